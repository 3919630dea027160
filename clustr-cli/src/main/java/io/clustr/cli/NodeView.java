package io.clustr.cli;

import io.clustr.Channel;
import io.clustr.ClustrCounters;

import java.util.Map;
import java.util.TreeMap;

/**
 * One node of a cluster as its counters in the driver's counters file show it.
 */
final class NodeView
{
    final long id;
    final long pid;
    final long parentId;
    final long startTimeMs;
    final String group;
    final String name;
    final long state;
    final long clientId;
    final Map<Integer, Long> values = new TreeMap<>();

    NodeView(
        final long id,
        final long pid,
        final long parentId,
        final long startTimeMs,
        final String group,
        final String name,
        final long state,
        final long clientId)
    {
        this.id = id;
        this.pid = pid;
        this.parentId = parentId;
        this.startTimeMs = startTimeMs;
        this.group = group;
        this.name = name;
        this.state = state;
        this.clientId = clientId;
    }

    /**
     * @param typeId one of {@link ClustrCounters}' node counter type ids.
     * @return its value, or 0 if the node has no such counter.
     */
    long value(final int typeId)
    {
        return values.getOrDefault(typeId, 0L);
    }

    /**
     * @param baseTypeId one of {@link ClustrCounters}' per-stream base type ids, e.g.
     *                   {@link ClustrCounters#STREAM_MESSAGES_RECEIVED_TYPE_ID}.
     * @param kind       of the stream.
     * @return its value, or 0 if the node has no such counter.
     */
    long value(final int baseTypeId, final Channel.Kind kind)
    {
        return value(ClustrCounters.streamTypeId(baseTypeId, kind));
    }

    /**
     * @param baseTypeId one of {@link ClustrCounters}' per-stream base type ids.
     * @return the values per kind of stream, by {@link Channel.Kind#ordinal()}.
     */
    long[] streamValues(final int baseTypeId)
    {
        final long[] values = new long[ClusterView.STREAM_KINDS.length];
        for (final Channel.Kind kind : ClusterView.STREAM_KINDS)
        {
            values[kind.ordinal()] = value(baseTypeId, kind);
        }

        return values;
    }

    boolean isAlive()
    {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * @return the node's state as a word: starting, online, leaving, or gone when its process has exited (its
     * counters stay until the driver times its client out).
     */
    String stateName()
    {
        if (!isAlive())
        {
            return "gone";
        }
        if (ClustrCounters.NODE_STARTING == state)
        {
            return "starting";
        }
        if (ClustrCounters.NODE_ONLINE == state)
        {
            return "online";
        }
        if (ClustrCounters.NODE_LEAVING == state)
        {
            return "leaving";
        }

        return "state " + state;
    }

    /**
     * @return how the node is named in tables: {@code name#id}.
     */
    String displayName()
    {
        return name + "#" + id;
    }
}
