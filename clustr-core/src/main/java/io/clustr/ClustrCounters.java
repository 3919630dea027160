package io.clustr;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.agrona.concurrent.status.CountersReader.NULL_COUNTER_ID;
import static org.agrona.concurrent.status.CountersReader.RECORD_ALLOCATED;

/**
 * The counters every clustr node keeps in its media driver's counters file, so tools such as Aeron's
 * {@code AeronStat} and other processes can read them while the node runs.
 * <p>
 * Every counter's key is the node id (8 bytes, little-endian); its label names the counter, the node and its group.
 * Type ids are outside the range Aeron reserves for itself (0 to 299).
 * <p>
 * Besides its totals ({@link #MESSAGES_RECEIVED_TYPE_ID}, {@link #BYTES_RECEIVED_TYPE_ID},
 * {@link #MESSAGES_SENT_TYPE_ID}, {@link #BYTES_SENT_TYPE_ID}) a node counts messages and bytes in and out per kind of
 * stream: one counter per kind of {@link Channel.Kind} (public, group, private, confirmation), its type id the base
 * type id plus the kind's ordinal ({@link #streamTypeId}), e.g. {@code 7330} public, {@code 7331} group,
 * {@code 7332} private, {@code 7333} confirmation messages received. Per kind, not per group: a node receives one
 * group stream only (its own), but may publish to any number of groups, and a counter per node and group published
 * to would grow the driver's counters file with the cluster's groups. A counter that cannot count anything is not
 * allocated: confirmations received exist only on the master (the only subscriber of the confirmation stream), group
 * messages received only on a node with a group.
 */
public final class ClustrCounters
{
    /**
     * Errors reported to the node's error handler, including exceptions thrown by message handlers.
     */
    public static final int ERRORS_TYPE_ID = 7300;

    /**
     * Frames on a clustr stream that were not valid clustr frames: counted and skipped.
     */
    public static final int MALFORMED_FRAMES_TYPE_ID = 7301;

    /**
     * Messages received on a stream for which no handler was registered.
     */
    public static final int UNHANDLED_MESSAGES_TYPE_ID = 7302;

    /**
     * Messages delivered to this node's handlers, from the public, group and private streams (not confirmations): the
     * sum of the per-stream {@link #STREAM_MESSAGES_RECEIVED_TYPE_ID} counters of those three. Brought up to date
     * once per poll batch.
     */
    public static final int MESSAGES_RECEIVED_TYPE_ID = 7303;

    /**
     * The CPU the node's duty-cycle thread is pinned to, or -1.
     */
    public static final int PINNED_CPU_TYPE_ID = 7304;

    /**
     * A short-lived counter a node adds and removes to make sure the driver has handled its earlier commands.
     */
    public static final int DRIVER_ROUND_TRIP_TYPE_ID = 7305;

    /**
     * Times the node was cut loose from the public or a group stream because it fell too far behind (see
     * {@link MissedListener}).
     */
    public static final int CUT_LOOSE_TYPE_ID = 7306;

    /**
     * Bytes of the public and group streams' logs the node missed while cut loose (see {@link MissedListener}).
     */
    public static final int BYTES_MISSED_TYPE_ID = 7307;

    /**
     * One per node, naming it: key = node id (int64), pid (int64), parent id (int64, -1 if none), process start time
     * (epoch ms, int64); label {@code clustr node: id=<id> pid=<pid> group=<group> name=<name>} (the name last, to
     * the end of the label); value = the node's state: {@link #NODE_STARTING}, {@link #NODE_ONLINE} or
     * {@link #NODE_LEAVING}.
     */
    public static final int NODE_TYPE_ID = 7320;

    /**
     * Bytes of the messages delivered to this node's handlers (payloads only): the sum of the public, group and private
     * {@link #STREAM_BYTES_RECEIVED_TYPE_ID} counters.
     */
    public static final int BYTES_RECEIVED_TYPE_ID = 7321;

    /**
     * Messages this node published into a stream's log (any thread of the node; claims count when claimed); messages
     * that reached nobody (no subscriber) are not counted; confirmations are. Brought up to date by the node's duty
     * cycle every 100 ms, as the sum of the per-stream {@link #STREAM_MESSAGES_SENT_TYPE_ID} counters.
     */
    public static final int MESSAGES_SENT_TYPE_ID = 7322;

    /**
     * Bytes of the messages counted by {@link #MESSAGES_SENT_TYPE_ID} (payloads only).
     */
    public static final int BYTES_SENT_TYPE_ID = 7323;

    /**
     * Publishes and claims of this node that found their stream back-pressured (once per publish, however long it
     * waited, and once per failed {@code tryPublish}/{@code tryClaim}). Brought up to date every 100 ms.
     */
    public static final int BACK_PRESSURE_TYPE_ID = 7324;

    /**
     * Exceptions thrown by this node's message handlers (also counted in {@link #ERRORS_TYPE_ID}).
     */
    public static final int HANDLER_ERRORS_TYPE_ID = 7325;

    /**
     * How many times this node's spec had been respawned before this process started (0 for a first start).
     */
    public static final int RESTARTS_TYPE_ID = 7326;

    /**
     * Base of the per-stream messages received: type id {@code 7330 + kind.ordinal()} counts the messages of that
     * kind of stream delivered to the node's handlers (7330 public, 7331 group, 7332 private), or, for
     * {@link Channel.Kind#CONFIRMATION} (7333, the master only), the confirmations the master counted. Public, group
     * and private add up to {@link #MESSAGES_RECEIVED_TYPE_ID}, which does not include confirmations. Brought up to
     * date once per poll batch, as the total is.
     */
    public static final int STREAM_MESSAGES_RECEIVED_TYPE_ID = 7330;

    /**
     * Base of the per-stream bytes received (7334 to 7337, payloads only; of a confirmation, its id's bytes): the
     * bytes of the messages counted by {@link #STREAM_MESSAGES_RECEIVED_TYPE_ID}.
     */
    public static final int STREAM_BYTES_RECEIVED_TYPE_ID = 7334;

    /**
     * Base of the per-stream messages sent (7338 public, 7339 group (all groups the node published to), 7340 private
     * (all nodes), 7341 confirmation): as {@link #MESSAGES_SENT_TYPE_ID}, which is their sum, split by the kind of
     * channel published to. Brought up to date every 100 ms.
     */
    public static final int STREAM_MESSAGES_SENT_TYPE_ID = 7338;

    /**
     * Base of the per-stream bytes sent (7342 to 7345, payloads only): the bytes of the messages counted by
     * {@link #STREAM_MESSAGES_SENT_TYPE_ID}; they add up to {@link #BYTES_SENT_TYPE_ID}.
     */
    public static final int STREAM_BYTES_SENT_TYPE_ID = 7342;

    /**
     * {@link #NODE_TYPE_ID} value: the node has started and not yet joined (a worker waits for the master's answer).
     */
    public static final long NODE_STARTING = 1;

    /**
     * {@link #NODE_TYPE_ID} value: the node has joined the cluster (the master from its start).
     */
    public static final long NODE_ONLINE = 2;

    /**
     * {@link #NODE_TYPE_ID} value: the node is leaving (closed or killed).
     */
    public static final long NODE_LEAVING = 3;

    /**
     * Length of a {@link #NODE_TYPE_ID} counter's key: node id, pid, parent id, start time.
     */
    public static final int NODE_KEY_LENGTH = 4 * Long.BYTES;

    /**
     * A group of the cluster: key = master pid (int64), group id (uint16), name length (uint16), name (ASCII).
     */
    public static final int GROUP_TYPE_ID = 7310;

    /**
     * A master's group registry: key = master pid (int64); value = the number of groups assigned so far.
     */
    public static final int GROUPS_TYPE_ID = 7311;

    private ClustrCounters()
    {
    }

    /**
     * The type id of one kind of stream's counter.
     *
     * @param baseTypeId one of {@link #STREAM_MESSAGES_RECEIVED_TYPE_ID}, {@link #STREAM_BYTES_RECEIVED_TYPE_ID},
     *                   {@link #STREAM_MESSAGES_SENT_TYPE_ID}, {@link #STREAM_BYTES_SENT_TYPE_ID}.
     * @param kind       of the stream.
     * @return the base plus the kind's ordinal.
     */
    public static int streamTypeId(final int baseTypeId, final Channel.Kind kind)
    {
        return baseTypeId + kind.ordinal();
    }

    /**
     * Allocate one of a node's counters in the driver's counters file.
     *
     * @param aeron  client of the node.
     * @param typeId one of this class's type ids.
     * @param name   short name for the label, e.g. "malformed frames".
     * @param nodeId id of the node, the counter's key.
     * @param group  group of the node, for the label.
     * @return the counter, owned by the caller.
     */
    public static Counter allocate(
        final Aeron aeron, final int typeId, final String name, final long nodeId, final String group)
    {
        return allocateNamed(aeron, typeId, name, nodeId, group.isEmpty() ? "" : " group=" + group);
    }

    /**
     * Allocate one of a node's counters with a label naming the node: {@code clustr <name>: node=<id> <labelSuffix>}.
     *
     * @param aeron       client of the node.
     * @param typeId      one of this class's type ids.
     * @param name        short name for the label, e.g. "malformed frames".
     * @param nodeId      id of the node, the counter's key.
     * @param labelSuffix appended to the label after the node id, e.g. {@code " name=web-1 group=web pid=4711"}.
     * @return the counter, owned by the caller.
     */
    static Counter allocateNamed(
        final Aeron aeron, final int typeId, final String name, final long nodeId, final String labelSuffix)
    {
        final UnsafeBuffer key = namedKey(nodeId);
        final UnsafeBuffer label = namedLabel(name, nodeId, labelSuffix);

        return aeron.addCounter(typeId, key, 0, key.capacity(), label, 0, label.capacity());
    }

    /**
     * Ask for one of a node's counters as {@link #allocateNamed} makes it, without waiting for the driver's answer.
     *
     * @param aeron       client of the node.
     * @param typeId      one of this class's type ids.
     * @param name        short name for the label, e.g. "malformed frames".
     * @param nodeId      id of the node, the counter's key.
     * @param labelSuffix appended to the label after the node id.
     * @return the registration id, for {@code aeron.getCounter}.
     */
    static long asyncAllocateNamed(
        final Aeron aeron, final int typeId, final String name, final long nodeId, final String labelSuffix)
    {
        final UnsafeBuffer key = namedKey(nodeId);
        final UnsafeBuffer label = namedLabel(name, nodeId, labelSuffix);

        return aeron.asyncAddCounter(typeId, key, 0, key.capacity(), label, 0, label.capacity());
    }

    private static UnsafeBuffer namedKey(final long nodeId)
    {
        final UnsafeBuffer key = new UnsafeBuffer(new byte[Long.BYTES]);
        key.putLong(0, nodeId, ByteOrder.LITTLE_ENDIAN);
        return key;
    }

    private static UnsafeBuffer namedLabel(final String name, final long nodeId, final String labelSuffix)
    {
        return labelBuffer("clustr " + name + ": node=" + nodeId + labelSuffix);
    }

    /**
     * Ask for a node's {@link #NODE_TYPE_ID} counter without waiting for the driver's answer; once made, the caller
     * sets it to {@link #NODE_STARTING}.
     *
     * @param aeron  client of the node.
     * @param member the node.
     * @return the registration id, for {@code aeron.getCounter}.
     */
    static long asyncAllocateNode(final Aeron aeron, final MemberInfo member)
    {
        final UnsafeBuffer key = nodeKey(member);
        final UnsafeBuffer label = nodeLabel(member);

        return aeron.asyncAddCounter(NODE_TYPE_ID, key, 0, key.capacity(), label, 0, label.capacity());
    }

    private static UnsafeBuffer nodeKey(final MemberInfo member)
    {
        final UnsafeBuffer key = new UnsafeBuffer(new byte[NODE_KEY_LENGTH]);
        key.putLong(0, member.id(), ByteOrder.LITTLE_ENDIAN);
        key.putLong(Long.BYTES, member.pid(), ByteOrder.LITTLE_ENDIAN);
        key.putLong(2 * Long.BYTES, member.parentId(), ByteOrder.LITTLE_ENDIAN);
        key.putLong(3 * Long.BYTES, member.startTimeMs(), ByteOrder.LITTLE_ENDIAN);
        return key;
    }

    private static UnsafeBuffer nodeLabel(final MemberInfo member)
    {
        return labelBuffer("clustr node: id=" + member.id() + " pid=" + member.pid() + " group=" + member.group() +
            " name=" + member.name());
    }

    private static UnsafeBuffer labelBuffer(final String label)
    {
        final byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
        return new UnsafeBuffer(bytes, 0, Math.min(bytes.length, CountersReader.MAX_LABEL_LENGTH));
    }

    /**
     * Find a node's counter.
     *
     * @param counters reader of the driver's counters, e.g. {@code aeron.countersReader()}.
     * @param typeId   one of this class's type ids.
     * @param nodeId   id of the node.
     * @return the counter id, or {@link CountersReader#NULL_COUNTER_ID} if there is none.
     */
    public static int find(final CountersReader counters, final int typeId, final long nodeId)
    {
        final int maxCounterId = counters.maxCounterId();
        for (int counterId = 0; counterId <= maxCounterId; counterId++)
        {
            final int state = counters.getCounterState(counterId);
            if (RECORD_ALLOCATED == state && counters.getCounterTypeId(counterId) == typeId)
            {
                final int keyOffset = CountersReader.metaDataOffset(counterId) + CountersReader.KEY_OFFSET;
                if (counters.metaDataBuffer().getLong(keyOffset, ByteOrder.LITTLE_ENDIAN) == nodeId)
                {
                    return counterId;
                }
            }
            else if (CountersReader.RECORD_UNUSED == state)
            {
                break;
            }
        }

        return NULL_COUNTER_ID;
    }

    /**
     * Read a node's counter.
     *
     * @param counters reader of the driver's counters.
     * @param typeId   one of this class's type ids.
     * @param nodeId   id of the node.
     * @return the value, or -1 if the node has no such counter.
     */
    public static long read(final CountersReader counters, final int typeId, final long nodeId)
    {
        final int counterId = find(counters, typeId, nodeId);
        return NULL_COUNTER_ID == counterId ? -1 : counters.getCounterValue(counterId);
    }
}
