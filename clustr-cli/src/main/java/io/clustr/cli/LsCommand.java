package io.clustr.cli;

import io.clustr.Channel;
import io.clustr.ClustrCounters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code clustr ls}: every cluster on the host and its nodes.
 */
@Command(
    name = "ls",
    mixinStandardHelpOptions = true,
    description = {
        "Lists every clustr cluster on this host and its nodes: id, name, group, pid, CPUs (as the kernel reports " +
            "them), state, restarts, uptime, CPU %, RSS, messages in and out (in total and per kind of stream: " +
            "public/group/private/confirmation), back-pressure events, errors.",
        "Clusters are found by scanning /dev/shm (and java.io.tmpdir) for clustr-* driver directories, " +
            "CLUSTR_AERON_DIR and Aeron's default directory; each one's cnc.dat is read, nothing joins."
    })
final class LsCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    private boolean json;

    @Option(names = "--dir", paramLabel = "DIR", description = "A driver directory to list (repeatable); " +
        "default: every one found on the host.")
    private List<Path> directories = new ArrayList<>();

    @Option(names = "--sample", paramLabel = "MS", defaultValue = "250",
        description = "How long to sample CPU time for CPU %%, in ms (0: no CPU %%). Default: ${DEFAULT-VALUE}.")
    private long sampleMs;

    /**
     * What ls shows of one node, read once.
     */
    record Row(NodeView node, String cpus, long rssBytes, double cpuPercent, long uptimeMs, String state)
    {
    }

    @Override
    public Integer call() throws InterruptedException
    {
        if (sampleMs < 0)
        {
            throw new CliException("--sample must be 0 or more milliseconds, not " + sampleMs);
        }

        final List<Clusters.Entry> entries = Clusters.read(directories);
        final Map<NodeView, Double> cpu = sampleCpu(entries);
        final long nowMs = System.currentTimeMillis();
        final PrintWriter out = spec.commandLine().getOut();

        if (json)
        {
            printJson(out, entries, cpu, nowMs);
        }
        else
        {
            printTables(out, entries, cpu, nowMs);
        }
        out.flush();

        return 0;
    }

    private Map<NodeView, Double> sampleCpu(final List<Clusters.Entry> entries) throws InterruptedException
    {
        final Map<NodeView, Double> percent = new HashMap<>();
        if (0 == sampleMs)
        {
            return percent;
        }

        final Map<NodeView, Long> before = new HashMap<>();
        for (final Clusters.Entry entry : entries)
        {
            if (null != entry.view() && entry.view().isDriverAlive)
            {
                for (final NodeView node : entry.view().nodes)
                {
                    before.put(node, Proc.cpuTicks(node.pid));
                }
            }
        }
        if (before.isEmpty())
        {
            return percent;
        }

        final long startNs = System.nanoTime();
        TimeUnit.MILLISECONDS.sleep(sampleMs);
        final double elapsedS = (System.nanoTime() - startNs) / 1e9;
        for (final Map.Entry<NodeView, Long> entry : before.entrySet())
        {
            final long after = Proc.cpuTicks(entry.getKey().pid);
            if (entry.getValue() >= 0 && after >= 0)
            {
                percent.put(entry.getKey(),
                    100.0 * (after - entry.getValue()) / Proc.CLOCK_TICKS_PER_SECOND / elapsedS);
            }
        }

        return percent;
    }

    static Row row(final NodeView node, final Map<NodeView, Double> cpu, final long nowMs)
    {
        return new Row(node, Proc.cpus(node.pid), Proc.rssBytes(node.pid), cpu.getOrDefault(node, Double.NaN),
            node.startTimeMs > 0 ? nowMs - node.startTimeMs : -1, node.stateName());
    }

    private static void printTables(
        final PrintWriter out, final List<Clusters.Entry> entries, final Map<NodeView, Double> cpu, final long nowMs)
    {
        if (entries.isEmpty())
        {
            out.println("no clustr cluster on this host (no clustr-* driver directory with a cnc.dat in /dev/shm, " +
                "no CLUSTR_AERON_DIR, no Aeron default directory)");
            return;
        }

        boolean first = true;
        for (final Clusters.Entry entry : entries)
        {
            if (!first)
            {
                out.println();
            }
            first = false;
            final ClusterView view = entry.view();
            if (null == view)
            {
                out.println(entry.directory() + "  cannot be read: " + entry.problem());
                continue;
            }
            if (!view.isDriverAlive)
            {
                out.println(view.directory + "  driver pid " + view.driverPid + " is not running: a stale " +
                    "directory (" + view.nodes.size() + " nodes were registered)");
                continue;
            }
            out.println(view.directory + "  driver pid " + view.driverPid + ", " + view.nodes.size() + " nodes");
            if (view.nodes.isEmpty())
            {
                continue;
            }

            final Table table = new Table("ID>", "NAME", "GROUP", "PID>", "CPUS", "STATE", "RESTARTS>", "UPTIME>",
                "CPU%>", "RSS>", "MSGS-IN>", "MSGS-OUT>", "IN-PUB/GRP/PRV/CNF>", "OUT-PUB/GRP/PRV/CNF>",
                "BACKPRESSURE>", "ERRORS>");
            for (final NodeView node : view.nodes)
            {
                final Row row = row(node, cpu, nowMs);
                table.add(node.id, node.name, node.group.isEmpty() ? "-" : node.group, node.pid,
                    row.cpus().isEmpty() ? "-" : row.cpus(), row.state(),
                    node.value(ClustrCounters.RESTARTS_TYPE_ID), Format.duration(row.uptimeMs()),
                    Format.percent(row.cpuPercent()), Format.bytes(row.rssBytes()),
                    node.value(ClustrCounters.MESSAGES_RECEIVED_TYPE_ID),
                    node.value(ClustrCounters.MESSAGES_SENT_TYPE_ID),
                    perStream(node, ClustrCounters.STREAM_MESSAGES_RECEIVED_TYPE_ID),
                    perStream(node, ClustrCounters.STREAM_MESSAGES_SENT_TYPE_ID),
                    node.value(ClustrCounters.BACK_PRESSURE_TYPE_ID),
                    node.value(ClustrCounters.ERRORS_TYPE_ID));
            }
            table.print(out, "  ");
        }
    }

    /**
     * @return e.g. {@code 3/4/5/0}: the node's figures for the public, group, private and confirmation streams.
     */
    private static String perStream(final NodeView node, final int baseTypeId)
    {
        final StringBuilder text = new StringBuilder();
        for (final long value : node.streamValues(baseTypeId))
        {
            text.append(text.length() > 0 ? "/" : "").append(value);
        }

        return text.toString();
    }

    /**
     * {@code "streams": {"public": {"messagesIn": .., "bytesIn": .., "messagesOut": .., "bytesOut": ..}, ...}}, one
     * object per kind of stream.
     */
    static void streamsJson(final Json json, final NodeView node)
    {
        json.beginObject("streams");
        for (final Channel.Kind kind : ClusterView.STREAM_KINDS)
        {
            json.beginObject(kind.name().toLowerCase(Locale.ROOT))
                .field("messagesIn", node.value(ClustrCounters.STREAM_MESSAGES_RECEIVED_TYPE_ID, kind))
                .field("bytesIn", node.value(ClustrCounters.STREAM_BYTES_RECEIVED_TYPE_ID, kind))
                .field("messagesOut", node.value(ClustrCounters.STREAM_MESSAGES_SENT_TYPE_ID, kind))
                .field("bytesOut", node.value(ClustrCounters.STREAM_BYTES_SENT_TYPE_ID, kind))
                .endObject();
        }
        json.endObject();
    }

    private static void printJson(
        final PrintWriter out, final List<Clusters.Entry> entries, final Map<NodeView, Double> cpu, final long nowMs)
    {
        final Json json = new Json().beginObject().beginArray("clusters");
        for (final Clusters.Entry entry : entries)
        {
            json.beginObject().field("directory", entry.directory().toString());
            final ClusterView view = entry.view();
            if (null == view)
            {
                json.field("problem", entry.problem()).endObject();
                continue;
            }
            json.field("driverPid", view.driverPid).field("driverAlive", view.isDriverAlive).beginArray("nodes");
            for (final NodeView node : view.nodes)
            {
                final Row row = row(node, cpu, nowMs);
                json.beginObject()
                    .field("id", node.id)
                    .field("name", node.name)
                    .field("group", node.group)
                    .field("pid", node.pid)
                    .field("parentId", node.parentId)
                    .field("cpus", row.cpus())
                    .field("state", row.state())
                    .field("restarts", node.value(ClustrCounters.RESTARTS_TYPE_ID))
                    .field("startTimeMs", node.startTimeMs)
                    .field("uptimeMs", row.uptimeMs())
                    .field("cpuPercent", row.cpuPercent())
                    .field("rssBytes", row.rssBytes())
                    .field("messagesIn", node.value(ClustrCounters.MESSAGES_RECEIVED_TYPE_ID))
                    .field("bytesIn", node.value(ClustrCounters.BYTES_RECEIVED_TYPE_ID))
                    .field("messagesOut", node.value(ClustrCounters.MESSAGES_SENT_TYPE_ID))
                    .field("bytesOut", node.value(ClustrCounters.BYTES_SENT_TYPE_ID))
                    .field("backPressure", node.value(ClustrCounters.BACK_PRESSURE_TYPE_ID))
                    .field("errors", node.value(ClustrCounters.ERRORS_TYPE_ID))
                    .field("handlerErrors", node.value(ClustrCounters.HANDLER_ERRORS_TYPE_ID))
                    .field("pinnedCpu", node.value(ClustrCounters.PINNED_CPU_TYPE_ID));
                streamsJson(json, node);
                json.endObject();
            }
            json.endArray().endObject();
        }
        out.println(json.endArray().endObject());
    }
}
