package io.clustr.cli;

import io.aeron.AeronCounters;
import io.clustr.ClustrCounters;
import io.clustr.Configuration;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One reading of the clusters of the host, for {@code clustr monit} and {@code clustr web}: per node its counters
 * and what {@code /proc} says of its process, per stream the publisher positions of its logs; two samples give rates
 * ({@link Rates}). Taken by mapping each driver's {@code cnc.dat} read-only, as {@code clustr ls} does.
 *
 * @param nanoTime    {@link System#nanoTime()} when taken, for the interval between two samples.
 * @param epochMs     wall-clock time when taken.
 * @param clusters    one per driver directory found.
 */
record Sample(long nanoTime, long epochMs, List<Cluster> clusters)
{
    /**
     * Byte offset of the stream id in the key of Aeron's stream counters ({@code StreamCounter}: registration id,
     * session id, stream id, channel).
     */
    static final int STREAM_ID_KEY_OFFSET = 12;

    private static final int SESSION_ID_KEY_OFFSET = 8;
    private static final int GROUP_ID_KEY_OFFSET = Long.BYTES;
    private static final int GROUP_NAME_LENGTH_KEY_OFFSET = GROUP_ID_KEY_OFFSET + Short.BYTES;
    private static final int GROUP_NAME_KEY_OFFSET = GROUP_NAME_LENGTH_KEY_OFFSET + Short.BYTES;

    /**
     * One driver directory.
     *
     * @param directory    the driver directory.
     * @param driverPid    the driver's pid (-1 if unreadable).
     * @param driverAlive  whether the driver runs.
     * @param problem      why it could not be read, or null.
     * @param nodes        its nodes by id (empty if stale or unreadable).
     * @param publications publisher position of each publication log: key "registrationId/sessionId", by stream id.
     * @param groupNames   group names by group id, from the master's group registry.
     */
    record Cluster(
        Path directory,
        long driverPid,
        boolean driverAlive,
        String problem,
        List<Node> nodes,
        Map<Integer, Map<String, Long>> publications,
        Map<Integer, String> groupNames)
    {
    }

    /**
     * One node: its identity and cumulative figures.
     *
     * @param id            node id.
     * @param name          node name.
     * @param group         group name, "" for the master.
     * @param pid           process id.
     * @param parentId      id of the node that spawned it (-1 if none).
     * @param state         starting, online, leaving or gone.
     * @param startTimeMs   process start time, epoch ms.
     * @param restarts      times its spec was respawned before it.
     * @param messagesIn    messages delivered to its handlers.
     * @param bytesIn       payload bytes of those.
     * @param messagesOut   messages it published.
     * @param bytesOut      payload bytes of those.
     * @param backPressure  back-pressure events.
     * @param errors        errors.
     * @param cpuTicks      user + system CPU time, clock ticks (-1 if unknown).
     * @param rssBytes      resident set size (-1 if unknown).
     * @param cpus          the CPUs it may run on ("" if unknown).
     * @param messagesInByStream  messages in per kind of stream, by {@code Channel.Kind} ordinal (public, group,
     *                            private, confirmation).
     * @param messagesOutByStream messages out per kind of stream, by {@code Channel.Kind} ordinal.
     */
    record Node(
        long id,
        String name,
        String group,
        long pid,
        long parentId,
        String state,
        long startTimeMs,
        long restarts,
        long messagesIn,
        long bytesIn,
        long messagesOut,
        long bytesOut,
        long backPressure,
        long errors,
        long cpuTicks,
        long rssBytes,
        String cpus,
        long[] messagesInByStream,
        long[] messagesOutByStream)
    {
    }

    /**
     * Read the clusters of the host now.
     *
     * @param explicitDirectories directories named with --dir, or empty for every one found.
     * @return the sample.
     */
    static Sample take(final List<Path> explicitDirectories)
    {
        final List<Cluster> clusters = new ArrayList<>();
        for (final Path directory : DriverDirectories.find(explicitDirectories))
        {
            try (DriverFile file = DriverFile.open(directory))
            {
                clusters.add(read(file));
            }
            catch (final RuntimeException ex)
            {
                clusters.add(new Cluster(directory, -1, false, String.valueOf(ex.getMessage()), List.of(), Map.of(),
                    Map.of()));
            }
        }

        return new Sample(System.nanoTime(), System.currentTimeMillis(), clusters);
    }

    private static Cluster read(final DriverFile file)
    {
        final ClusterView view = ClusterView.read(file);
        if (!view.isDriverAlive)
        {
            return new Cluster(view.directory, view.driverPid, false, null, List.of(), Map.of(), Map.of());
        }

        final List<Node> nodes = new ArrayList<>();
        for (final NodeView node : view.nodes)
        {
            nodes.add(new Node(
                node.id,
                node.name,
                node.group,
                node.pid,
                node.parentId,
                node.stateName(),
                node.startTimeMs,
                node.value(ClustrCounters.RESTARTS_TYPE_ID),
                node.value(ClustrCounters.MESSAGES_RECEIVED_TYPE_ID),
                node.value(ClustrCounters.BYTES_RECEIVED_TYPE_ID),
                node.value(ClustrCounters.MESSAGES_SENT_TYPE_ID),
                node.value(ClustrCounters.BYTES_SENT_TYPE_ID),
                node.value(ClustrCounters.BACK_PRESSURE_TYPE_ID),
                node.value(ClustrCounters.ERRORS_TYPE_ID),
                Proc.cpuTicks(node.pid),
                Proc.rssBytes(node.pid),
                Proc.cpus(node.pid),
                node.streamValues(ClustrCounters.STREAM_MESSAGES_RECEIVED_TYPE_ID),
                node.streamValues(ClustrCounters.STREAM_MESSAGES_SENT_TYPE_ID)));
        }

        final Map<Integer, Map<String, Long>> publications = new TreeMap<>();
        final Map<Integer, String> groupNames = new HashMap<>();
        final CountersReader counters = file.counters();
        final DirectBuffer metaData = counters.metaDataBuffer();
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
            final int key = CountersReader.metaDataOffset(id) + CountersReader.KEY_OFFSET;
            if (AeronCounters.DRIVER_PUBLISHER_POS_TYPE_ID == typeId)
            {
                final long registrationId = metaData.getLong(key, ByteOrder.LITTLE_ENDIAN);
                final int sessionId = metaData.getInt(key + SESSION_ID_KEY_OFFSET, ByteOrder.LITTLE_ENDIAN);
                final int streamId = metaData.getInt(key + STREAM_ID_KEY_OFFSET, ByteOrder.LITTLE_ENDIAN);
                publications.computeIfAbsent(streamId, (s) -> new TreeMap<>())
                    .put(registrationId + "/" + sessionId, counters.getCounterValue(id));
            }
            else if (ClustrCounters.GROUP_TYPE_ID == typeId)
            {
                final int groupId = metaData.getShort(key + GROUP_ID_KEY_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
                final int length =
                    metaData.getShort(key + GROUP_NAME_LENGTH_KEY_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
                if (length <= CountersReader.MAX_KEY_LENGTH - GROUP_NAME_KEY_OFFSET)
                {
                    groupNames.put(groupId, metaData.getStringWithoutLengthAscii(key + GROUP_NAME_KEY_OFFSET, length));
                }
            }
        }

        return new Cluster(view.directory, view.driverPid, true, null, nodes, publications, groupNames);
    }

    /**
     * Name a clustr stream id as the operator knows it (with the default stream ids of {@link Configuration}).
     *
     * @param streamId   the Aeron stream id.
     * @param groupNames group names by group id.
     * @param nodes      the nodes, to name private streams.
     * @return e.g. "public", "group web", "private TestWorker#29", "stream 7".
     */
    static String streamName(final int streamId, final Map<Integer, String> groupNames, final List<Node> nodes)
    {
        if (Configuration.CONTROL_STREAM_ID_DEFAULT == streamId)
        {
            return "control";
        }
        if (Configuration.PUBLIC_STREAM_ID_DEFAULT == streamId)
        {
            return "public";
        }
        if (Configuration.CONFIRMATION_STREAM_ID_DEFAULT == streamId)
        {
            return "confirmation";
        }
        if (streamId >= Configuration.PRIVATE_STREAM_ID_BASE)
        {
            final long nodeId = streamId - (long)Configuration.PRIVATE_STREAM_ID_BASE;
            for (final Node node : nodes)
            {
                if (node.id() == nodeId)
                {
                    return "private " + node.name() + "#" + nodeId;
                }
            }
            return "private #" + nodeId;
        }
        if (streamId > Configuration.GROUP_STREAM_ID_BASE)
        {
            final int groupId = streamId - Configuration.GROUP_STREAM_ID_BASE;
            final String name = groupNames.get(groupId);
            return null != name ? "group " + name : "group #" + groupId;
        }

        return "stream " + streamId;
    }
}
