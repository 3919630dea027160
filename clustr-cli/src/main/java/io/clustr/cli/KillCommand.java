package io.clustr.cli;

import io.aeron.Aeron;
import io.aeron.AeronCounters;
import io.aeron.Publication;
import io.clustr.Configuration;
import io.clustr.codecs.KillEncoder;
import io.clustr.codecs.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code clustr kill ID [CODE]}: sends the control stream's Kill frame to a node, as a short-lived Aeron client of
 * the cluster's driver that never joins, so it is no member. The frame's requester id is the negative pid of this
 * command, which the node reports as "killed by an operator"; the node runs its kill hooks and exits with the code,
 * and its parent reports the exit in its lifecycle events as for any kill.
 */
@Command(
    name = "kill",
    mixinStandardHelpOptions = true,
    description = {
        "Asks node ID to run its kill hooks and exit with CODE, through the cluster's media driver (this command " +
            "never joins the cluster). Waits for the process to exit unless --no-wait."
    })
final class KillCommand implements Callable<Integer>
{

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "Id of the node (clustr ls shows it).")
    private long id;

    @Parameters(index = "1", paramLabel = "CODE", defaultValue = "0",
        description = "Exit code the node exits with. Default: ${DEFAULT-VALUE}.")
    private int exitCode;

    @Option(names = "--dir", paramLabel = "DIR",
        description = "Driver directory of the cluster; default: the one cluster on this host with a live node ID.")
    private Path directory;

    @Option(names = "--control-stream", paramLabel = "STREAM",
        description = "Stream id of the cluster's control stream. Default: clustr.control.stream.id or 100.")
    private Integer controlStreamId;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "20",
        description = "How long to wait for the node's process to exit. Default: ${DEFAULT-VALUE}.")
    private long timeoutS;

    @Option(names = "--no-wait", description = "Return once the frame is sent.")
    private boolean noWait;

    @Override
    public Integer call() throws InterruptedException
    {
        final int streamId = null == controlStreamId ? Configuration.controlStreamId() : controlStreamId;
        final Target target = findTarget();
        final PrintWriter out = spec.commandLine().getOut();
        final String who = "node " + id + " (" + target.node.name + ", pid " + target.node.pid + ")";

        send(target.directory, streamId);
        out.println("kill sent to " + who + " with exit code " + exitCode);
        out.flush();
        if (noWait)
        {
            return 0;
        }

        final Optional<ProcessHandle> process = ProcessHandle.of(target.node.pid);
        if (process.isPresent())
        {
            try
            {
                process.get().onExit().get(timeoutS, TimeUnit.SECONDS);
            }
            catch (final TimeoutException ex)
            {
                throw new CliException(who + " is still running " + timeoutS + " s after the kill: its parent " +
                    "kills it after the kill grace (clustr.kill.grace); check it with clustr ls");
            }
            catch (final ExecutionException ex)
            {
                throw new CliException("could not wait for " + who + ": " + ex.getCause());
            }
        }
        out.println(who + " has exited");
        out.flush();

        return 0;
    }

    private record Target(Path directory, NodeView node)
    {
    }

    private Target findTarget()
    {
        final List<Path> named = null == directory ? List.of() : List.of(directory);
        final List<Target> candidates = new ArrayList<>();
        final List<String> seen = new ArrayList<>();
        for (final Clusters.Entry entry : Clusters.read(named))
        {
            if (null == entry.view())
            {
                if (null != directory)
                {
                    throw new CliException(entry.problem());
                }
                continue;
            }
            if (!entry.view().isDriverAlive)
            {
                if (null != directory)
                {
                    throw new CliException("the media driver of " + directory + " (pid " + entry.view().driverPid +
                        ") is not running: nothing to kill there");
                }
                continue;
            }
            for (final NodeView node : entry.view().nodes)
            {
                if (node.isAlive())
                {
                    seen.add(node.id + " in " + entry.directory());
                    if (node.id == id)
                    {
                        candidates.add(new Target(entry.directory(), node));
                    }
                }
            }
        }

        if (candidates.isEmpty())
        {
            throw new CliException("no live node with id " + id +
                (null == directory ? " in any cluster of this host" : " in " + directory) +
                (seen.isEmpty() ? " (there are no live nodes)" : "; live nodes: " + String.join(", ", seen)) +
                " (clustr ls lists them)");
        }
        if (candidates.size() > 1)
        {
            final List<String> dirs = new ArrayList<>();
            for (final Target candidate : candidates)
            {
                dirs.add(candidate.directory.toString());
            }
            throw new CliException("node id " + id + " is live in " + candidates.size() + " clusters: " +
                String.join(", ", dirs) + "; name one with --dir");
        }

        return candidates.get(0);
    }

    private void send(final Path directory, final int streamId) throws InterruptedException
    {
        final Aeron.Context ctx = new Aeron.Context()
            .aeronDirectoryName(directory.toString())
            .clientName("clustr kill (pid " + ProcessHandle.current().pid() + ")");
        try (Aeron aeron = Aeron.connect(ctx))
        {
            final String channel = controlChannel(aeron.countersReader(), streamId, directory);
            try (Publication publication = aeron.addPublication(channel, streamId))
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
                final KillEncoder encoder = new KillEncoder().wrapAndApplyHeader(
                    buffer, 0, new MessageHeaderEncoder())
                    .targetId(id)
                    .requesterId(-ProcessHandle.current().pid())
                    .exitCode(exitCode);
                ControlOffer.offer(publication, buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(),
                    "the kill");
            }
        }
        catch (final CliException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            throw new CliException("could not talk to the media driver of " + directory + ": " + ex);
        }
    }

    /**
     * The channel of the cluster's control stream, from the driver's publisher-limit counters (key: registration
     * id, session id, stream id; the label ends with the channel): joining the stream's log needs the same
     * parameters (term length, untethered timeouts).
     */
    static String controlChannel(final CountersReader counters, final int streamId, final Path directory)
    {
        final DirectBuffer metaData = counters.metaDataBuffer();
        for (int id = 0, max = counters.maxCounterId(); id <= max; id++)
        {
            final int state = counters.getCounterState(id);
            if (CountersReader.RECORD_UNUSED == state)
            {
                break;
            }
            if (CountersReader.RECORD_ALLOCATED == state &&
                AeronCounters.DRIVER_PUBLISHER_LIMIT_TYPE_ID == counters.getCounterTypeId(id))
            {
                final int key = CountersReader.metaDataOffset(id) + CountersReader.KEY_OFFSET;
                if (metaData.getInt(key + 12, ByteOrder.LITTLE_ENDIAN) == streamId)
                {
                    // the label has the whole channel ("pub-lmt: <registration id> <session id> <stream id>
                    // <channel>"); the key's copy is cut at 92 characters
                    final String[] fields = counters.getCounterLabel(id).split(" ", 5);
                    if (5 == fields.length && fields[4].startsWith("aeron:ipc"))
                    {
                        return fields[4];
                    }
                }
            }
        }

        throw new CliException("no clustr control stream (IPC stream " + streamId + ") in " + directory +
            ": is it a clustr cluster, and is its control stream id another (--control-stream)?");
    }
}
