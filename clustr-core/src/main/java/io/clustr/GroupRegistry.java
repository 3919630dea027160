package io.clustr;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.agrona.CloseHelper;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's groups and their ids, assigned by the master and published in the media driver's counters file,
 * which every node of the host maps: one counter per group (key: the master's pid, the group id and the group's
 * name, 112 bytes at most, Aeron's key limit) and one head counter whose value is the number of groups assigned so far.
 * <p>
 * A group's id names its stream ({@link Configuration#GROUP_STREAM_ID_BASE} + id), so no frame carries a group
 * name, and it is the sender-group field of every data frame's reserved value. The master assigns a group its id
 * when the group's first worker joins, before it acknowledges that join, so a node that has seen any sign of the
 * worker (its JoinAck, a frame from it, a message saying it is ready) finds the group here: the counters file is
 * shared memory, with no control frame to wait for.
 * <p>
 * Lookups run on any thread and, once a name or id has been seen, read a copy-on-write map: no lock and no
 * allocation. A name not (yet) assigned costs one read of the head counter until the master assigns another group.
 */
final class GroupRegistry implements AutoCloseable
{
    /**
     * Id of no group: the master, which belongs to none.
     */
    static final int NO_GROUP_ID = 0;

    /**
     * Largest group id: the reserved value's sender-group field has {@link FrameFormat#GROUP_ID_BITS} bits.
     */
    static final int MAX_GROUP_ID = (1 << FrameFormat.GROUP_ID_BITS) - 1;

    private static final int MASTER_PID_OFFSET = 0;
    private static final int GROUP_ID_OFFSET = MASTER_PID_OFFSET + Long.BYTES;
    private static final int NAME_LENGTH_OFFSET = GROUP_ID_OFFSET + Short.BYTES;
    private static final int NAME_OFFSET = NAME_LENGTH_OFFSET + Short.BYTES;
    private static final int NOT_SCANNED = -1;

    private final Aeron aeron;
    private final CountersReader counters;
    private final List<Counter> ownCounters = new ArrayList<>();
    private volatile long masterPid;
    private volatile Map<String, Integer> idByName = new HashMap<>();
    private volatile Int2ObjectHashMap<String> nameById = new Int2ObjectHashMap<>();
    private volatile int headCounterId = CountersReader.NULL_COUNTER_ID;
    private volatile long scannedVersion = NOT_SCANNED;
    private Counter head;

    /**
     * @param aeron     client whose counters file holds the registry.
     * @param masterPid pid of the master whose registry this is, or -1 while a worker has not yet joined.
     */
    GroupRegistry(final Aeron aeron, final long masterPid)
    {
        this.aeron = aeron;
        this.counters = aeron.countersReader();
        this.masterPid = masterPid;
        final Int2ObjectHashMap<String> names = new Int2ObjectHashMap<>();
        names.put(NO_GROUP_ID, "");
        nameById = names;
    }

    /**
     * The master's registry: it creates the head counter, so every group it assigns is found by its workers.
     */
    static GroupRegistry master(final Aeron aeron, final long masterPid)
    {
        final GroupRegistry registry = new GroupRegistry(aeron, masterPid);
        registry.head = registry.addCounter(
            ClustrCounters.GROUPS_TYPE_ID, NO_GROUP_ID, "", "clustr groups: master pid=" + masterPid);
        registry.headCounterId = registry.head.id();
        return registry;
    }

    /**
     * The worker has joined: from now on only groups of this master count.
     *
     * @param masterPid pid of the master, from its JoinAck.
     */
    void masterPid(final long masterPid)
    {
        if (this.masterPid != masterPid)
        {
            synchronized (this)
            {
                this.masterPid = masterPid;
                headCounterId = CountersReader.NULL_COUNTER_ID;
                scannedVersion = NOT_SCANNED;
                final Int2ObjectHashMap<String> names = new Int2ObjectHashMap<>();
                names.put(NO_GROUP_ID, "");
                nameById = names;
                idByName = new HashMap<>();
            }
        }
    }

    /**
     * The id of a group, assigned now if it has none (master only, on its duty-cycle thread).
     *
     * @param group name of the group.
     * @return its id.
     * @throws ClustrException if the cluster has used up its group ids.
     */
    synchronized int assign(final String group)
    {
        final Integer known = idByName.get(group);
        if (null != known)
        {
            return known;
        }

        final int id = (int)head.get() + 1;
        if (id > MAX_GROUP_ID)
        {
            throw new ClustrException("cannot add group '" + group + "': the cluster has " + MAX_GROUP_ID +
                " groups already, the most a data frame's reserved value can name");
        }

        final int streamId = Configuration.GROUP_STREAM_ID_BASE + id;
        addCounter(ClustrCounters.GROUP_TYPE_ID, id, group,
            "clustr group: name=" + group + " id=" + id + " stream=" + streamId + " master pid=" + masterPid);
        remember(group, id);
        head.setRelease(id);

        return id;
    }

    /**
     * The id of a group, from any thread.
     *
     * @param group name of the group.
     * @return its id, or -1 if the master has not assigned it: no worker of that group has ever joined.
     */
    int idOf(final String group)
    {
        final Integer id = idByName.get(group);
        if (null != id)
        {
            return id;
        }

        if (!hasNewGroups())
        {
            return -1;
        }
        scan();

        final Integer scanned = idByName.get(group);
        return null == scanned ? -1 : scanned;
    }

    /**
     * The name of a group, from any thread.
     *
     * @param groupId id of the group, from a frame's reserved value.
     * @return its name, "" for {@link #NO_GROUP_ID}, or null if the id is not assigned.
     */
    String nameOf(final int groupId)
    {
        final String name = nameById.get(groupId);
        if (null != name || !hasNewGroups())
        {
            return name;
        }
        scan();

        return nameById.get(groupId);
    }

    private boolean hasNewGroups()
    {
        int counterId = headCounterId;
        if (CountersReader.NULL_COUNTER_ID == counterId || !isHead(counterId))
        {
            counterId = findHead();
            if (CountersReader.NULL_COUNTER_ID == counterId)
            {
                return false;
            }
        }

        return counters.getCounterValue(counterId) != scannedVersion;
    }

    private synchronized void scan()
    {
        final int counterId = headCounterId;
        if (CountersReader.NULL_COUNTER_ID == counterId)
        {
            return;
        }

        // Read the version first: groups assigned after it are found by the next scan.
        final long version = counters.getCounterValue(counterId);
        final AtomicBuffer metaData = counters.metaDataBuffer();
        for (int id = nextOfMaster(0, ClustrCounters.GROUP_TYPE_ID); id >= 0;
            id = nextOfMaster(id + 1, ClustrCounters.GROUP_TYPE_ID))
        {
            final int keyOffset = CountersReader.metaDataOffset(id) + CountersReader.KEY_OFFSET;
            final int groupId = metaData.getShort(keyOffset + GROUP_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            final int length = metaData.getShort(keyOffset + NAME_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            if (groupId > NO_GROUP_ID && groupId <= MAX_GROUP_ID && length > 0 &&
                length <= Channel.MAX_GROUP_NAME_LENGTH && !nameById.containsKey(groupId))
            {
                remember(metaData.getStringWithoutLengthAscii(keyOffset + NAME_OFFSET, length), groupId);
            }
        }
        scannedVersion = version;
    }

    private boolean isHead(final int counterId)
    {
        return isOfMaster(counterId, ClustrCounters.GROUPS_TYPE_ID);
    }

    private synchronized int findHead()
    {
        final int id = nextOfMaster(0, ClustrCounters.GROUPS_TYPE_ID);
        if (id >= 0)
        {
            headCounterId = id;
            scannedVersion = NOT_SCANNED;
            return id;
        }

        return CountersReader.NULL_COUNTER_ID;
    }

    /**
     * @return the first allocated counter from {@code fromId} on of this type whose key names this master, or -1.
     */
    private int nextOfMaster(final int fromId, final int typeId)
    {
        for (int id = fromId, max = counters.maxCounterId(); id <= max; id++)
        {
            if (CountersReader.RECORD_UNUSED == counters.getCounterState(id))
            {
                break;
            }
            if (isOfMaster(id, typeId))
            {
                return id;
            }
        }

        return -1;
    }

    private boolean isOfMaster(final int counterId, final int typeId)
    {
        return counters.getCounterState(counterId) == CountersReader.RECORD_ALLOCATED &&
            counters.getCounterTypeId(counterId) == typeId &&
            counters.metaDataBuffer().getLong(
                CountersReader.metaDataOffset(counterId) + CountersReader.KEY_OFFSET + MASTER_PID_OFFSET,
                ByteOrder.LITTLE_ENDIAN) == masterPid;
    }

    private synchronized void remember(final String group, final int id)
    {
        final Map<String, Integer> ids = new HashMap<>(idByName);
        ids.put(group, id);
        final Int2ObjectHashMap<String> names = new Int2ObjectHashMap<>(nameById);
        names.put(id, group);
        idByName = ids;
        nameById = names;
    }

    private Counter addCounter(final int typeId, final int groupId, final String group, final String label)
    {
        final byte[] name = group.getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[NAME_OFFSET + name.length]);
        key.putLong(MASTER_PID_OFFSET, masterPid, ByteOrder.LITTLE_ENDIAN);
        key.putShort(GROUP_ID_OFFSET, (short)groupId, ByteOrder.LITTLE_ENDIAN);
        key.putShort(NAME_LENGTH_OFFSET, (short)name.length, ByteOrder.LITTLE_ENDIAN);
        key.putBytes(NAME_OFFSET, name);
        final UnsafeBuffer labelBuffer = new UnsafeBuffer(label.getBytes(StandardCharsets.US_ASCII));
        final Counter counter = aeron.addCounter(
            typeId, key, 0, key.capacity(), labelBuffer, 0, labelBuffer.capacity());
        ownCounters.add(counter);

        return counter;
    }

    @Override
    public synchronized void close()
    {
        CloseHelper.quietCloseAll(ownCounters);
        ownCounters.clear();
    }
}
