package io.clustr.cli;

import io.clustr.Channel;
import io.clustr.ClustrCounters;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The nodes of one driver directory, read from its counters: every {@link ClustrCounters#NODE_TYPE_ID} counter is a
 * node, and the node counters with its id as key are its figures (its totals and its per-stream figures).
 */
final class ClusterView
{
    /**
     * The kinds of stream, in the order of the per-stream counters' type ids.
     */
    static final Channel.Kind[] STREAM_KINDS = Channel.Kind.values();

    private static final int[] NODE_FIGURES = {
        ClustrCounters.ERRORS_TYPE_ID,
        ClustrCounters.MALFORMED_FRAMES_TYPE_ID,
        ClustrCounters.UNHANDLED_MESSAGES_TYPE_ID,
        ClustrCounters.MESSAGES_RECEIVED_TYPE_ID,
        ClustrCounters.PINNED_CPU_TYPE_ID,
        ClustrCounters.CUT_LOOSE_TYPE_ID,
        ClustrCounters.BYTES_MISSED_TYPE_ID,
        ClustrCounters.BYTES_RECEIVED_TYPE_ID,
        ClustrCounters.MESSAGES_SENT_TYPE_ID,
        ClustrCounters.BYTES_SENT_TYPE_ID,
        ClustrCounters.BACK_PRESSURE_TYPE_ID,
        ClustrCounters.HANDLER_ERRORS_TYPE_ID,
        ClustrCounters.RESTARTS_TYPE_ID,
    };

    final Path directory;
    final long driverPid;
    final boolean isDriverAlive;
    final List<NodeView> nodes;

    private ClusterView(final Path directory, final long driverPid, final boolean isDriverAlive,
        final List<NodeView> nodes)
    {
        this.directory = directory;
        this.driverPid = driverPid;
        this.isDriverAlive = isDriverAlive;
        this.nodes = nodes;
    }

    static ClusterView read(final DriverFile file)
    {
        final CountersReader counters = file.counters();
        final DirectBuffer metaData = counters.metaDataBuffer();
        final Long2ObjectHashMap<NodeView> byId = new Long2ObjectHashMap<>();
        final List<NodeView> nodes = new ArrayList<>();

        for (int id = 0, max = counters.maxCounterId(); id <= max; id++)
        {
            final int state = counters.getCounterState(id);
            if (CountersReader.RECORD_UNUSED == state)
            {
                break;
            }
            if (CountersReader.RECORD_ALLOCATED == state &&
                ClustrCounters.NODE_TYPE_ID == counters.getCounterTypeId(id))
            {
                final int key = CountersReader.metaDataOffset(id) + CountersReader.KEY_OFFSET;
                final long nodeId = metaData.getLong(key, ByteOrder.LITTLE_ENDIAN);
                final String label = counters.getCounterLabel(id);
                final NodeView node = new NodeView(
                    nodeId,
                    metaData.getLong(key + Long.BYTES, ByteOrder.LITTLE_ENDIAN),
                    metaData.getLong(key + 2 * Long.BYTES, ByteOrder.LITTLE_ENDIAN),
                    metaData.getLong(key + 3 * Long.BYTES, ByteOrder.LITTLE_ENDIAN),
                    between(label, " group=", " name="),
                    after(label, " name="),
                    counters.getCounterValue(id),
                    counters.getCounterOwnerId(id));
                byId.put(nodeId, node);
                nodes.add(node);
            }
        }

        for (int id = 0, max = counters.maxCounterId(); id <= max; id++)
        {
            final int state = counters.getCounterState(id);
            if (CountersReader.RECORD_UNUSED == state)
            {
                break;
            }
            final int typeId = counters.getCounterTypeId(id);
            if (CountersReader.RECORD_ALLOCATED == state && isNodeFigure(typeId))
            {
                final int key = CountersReader.metaDataOffset(id) + CountersReader.KEY_OFFSET;
                final NodeView node = byId.get(metaData.getLong(key, ByteOrder.LITTLE_ENDIAN));
                if (null != node)
                {
                    node.values.put(typeId, counters.getCounterValue(id));
                }
            }
        }

        nodes.sort(Comparator.comparingLong((NodeView n) -> n.id));
        return new ClusterView(file.directory(), file.driverPid(), file.isDriverAlive(), nodes);
    }

    static boolean isNodeFigure(final int typeId)
    {
        if (typeId >= ClustrCounters.STREAM_MESSAGES_RECEIVED_TYPE_ID &&
            typeId < ClustrCounters.STREAM_BYTES_SENT_TYPE_ID + STREAM_KINDS.length)
        {
            return true;
        }
        for (final int figure : NODE_FIGURES)
        {
            if (figure == typeId)
            {
                return true;
            }
        }

        return false;
    }

    private static String between(final String label, final String start, final String end)
    {
        final int from = label.indexOf(start);
        if (from < 0)
        {
            return "";
        }
        final int to = label.indexOf(end, from + start.length());
        return to < 0 ? label.substring(from + start.length()) : label.substring(from + start.length(), to);
    }

    private static String after(final String label, final String start)
    {
        final int from = label.indexOf(start);
        return from < 0 ? "" : label.substring(from + start.length());
    }
}
