package io.clustr.cli;

import io.aeron.AeronCounters;
import io.clustr.ClustrCounters;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code clustr stat}: every counter of each cluster's driver, as Aeron's {@code AeronStat} shows them, with the node
 * each one belongs to.
 */
@Command(
    name = "stat",
    mixinStandardHelpOptions = true,
    description = {
        "Prints clustr's and Aeron's counters of each cluster (like AeronStat) with the node each belongs to: " +
            "clustr's counters by their key (the node id), Aeron's by the client that owns them."
    })
final class StatCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "A driver directory (repeatable); " +
        "default: every one found on the host.")
    private List<Path> directories = new ArrayList<>();

    @Option(names = "--clustr", description = "Only clustr's counters (type ids 7300 and up).")
    private boolean clustrOnly;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final List<Path> found = DriverDirectories.find(directories);
        if (found.isEmpty())
        {
            out.println("no clustr cluster on this host (clustr ls --help says where it looks)");
        }

        boolean first = true;
        for (final Path directory : found)
        {
            if (!first)
            {
                out.println();
            }
            first = false;
            try (DriverFile file = DriverFile.open(directory))
            {
                print(out, file);
            }
            catch (final RuntimeException ex)
            {
                out.println(directory + "  cannot be read: " + ex.getMessage());
            }
        }
        out.flush();

        return 0;
    }

    private void print(final PrintWriter out, final DriverFile file)
    {
        final ClusterView view = ClusterView.read(file);
        out.println(view.directory + "  driver pid " + view.driverPid +
            (view.isDriverAlive ? "" : " (not running: stale directory)"));

        final Long2ObjectHashMap<NodeView> byId = new Long2ObjectHashMap<>();
        final Long2ObjectHashMap<NodeView> byClient = new Long2ObjectHashMap<>();
        for (final NodeView node : view.nodes)
        {
            byId.put(node.id, node);
            byClient.put(node.clientId, node);
        }

        final CountersReader counters = file.counters();
        final DirectBuffer metaData = counters.metaDataBuffer();
        final Table table = new Table("ID>", "TYPE>", "VALUE>", "NODE", "LABEL");
        for (int id = 0, max = counters.maxCounterId(); id <= max; id++)
        {
            final int state = counters.getCounterState(id);
            if (CountersReader.RECORD_UNUSED == state)
            {
                break;
            }
            if (CountersReader.RECORD_ALLOCATED != state)
            {
                continue;
            }
            final int typeId = counters.getCounterTypeId(id);
            final boolean isClustr = typeId >= ClustrCounters.ERRORS_TYPE_ID && typeId < 7400;
            if (clustrOnly && !isClustr)
            {
                continue;
            }

            final long key = metaData.getLong(
                CountersReader.metaDataOffset(id) + CountersReader.KEY_OFFSET, ByteOrder.LITTLE_ENDIAN);
            NodeView node = null;
            if (ClustrCounters.NODE_TYPE_ID == typeId || ClusterView.isNodeFigure(typeId))
            {
                node = byId.get(key);
            }
            else if (AeronCounters.DRIVER_HEARTBEAT_TYPE_ID == typeId)
            {
                node = byClient.get(key);
            }
            if (null == node)
            {
                node = byClient.get(counters.getCounterOwnerId(id));
            }

            table.add(id, typeId, counters.getCounterValue(id), null == node ? "-" : node.displayName(),
                counters.getCounterLabel(id));
        }
        table.print(out, "  ");
    }
}
