package io.clustr;

import io.aeron.Aeron;
import io.aeron.Publication;
import org.agrona.CloseHelper;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The publications a node sends on. Public and confirmation publications are added at start; group and private
 * ones are added on first use and cached (private ones up to a bound, the oldest closed first).
 * <p>
 * Lookups happen on any publishing thread without locks: the caches are copy-on-write maps behind volatile
 * references, replaced under a lock only when a publication is added or removed.
 */
final class Routes implements AutoCloseable
{
    private final Aeron aeron;
    private final String channel;
    private final int privateCacheSize;
    private final Publication publicPublication;
    private final Publication confirmationPublication;
    private final ArrayDeque<Long> privateOrder = new ArrayDeque<>();
    private volatile Long2ObjectHashMap<Publication> privateById = new Long2ObjectHashMap<>();
    private volatile Map<String, Publication> groupByName = new HashMap<>();
    private boolean isClosed;

    Routes(
        final Aeron aeron,
        final String channel,
        final int publicStreamId,
        final int confirmationStreamId,
        final int privateCacheSize)
    {
        this.aeron = aeron;
        this.channel = channel;
        this.privateCacheSize = privateCacheSize;
        this.publicPublication = aeron.addPublication(channel, publicStreamId);
        this.confirmationPublication = aeron.addPublication(channel, confirmationStreamId);
    }

    Publication publication(final Channel target)
    {
        switch (target.kind())
        {
            case PUBLIC:
                return publicPublication;

            case CONFIRMATION:
                return confirmationPublication;

            case GROUP:
            {
                final Publication publication = groupByName.get(target.groupName());
                return null != publication ? publication : addGroup(target.groupName());
            }

            default:
            {
                final Publication publication = privateById.get(target.workerId());
                return null != publication ? publication : addPrivate(target.workerId());
            }
        }
    }

    Publication confirmationPublication()
    {
        return confirmationPublication;
    }

    /**
     * A publication that failed with {@code CLOSED} is dropped so the next lookup adds a fresh one.
     */
    synchronized void evict(final Channel target, final Publication publication)
    {
        if (target.kind() == Channel.Kind.GROUP)
        {
            if (groupByName.get(target.groupName()) == publication)
            {
                final Map<String, Publication> copy = new HashMap<>(groupByName);
                copy.remove(target.groupName());
                groupByName = copy;
            }
        }
        else if (target.kind() == Channel.Kind.PRIVATE)
        {
            if (privateById.get(target.workerId()) == publication)
            {
                removePrivate(target.workerId());
            }
        }
    }

    /**
     * The worker has left: close our publication to its private stream.
     */
    synchronized void closePrivate(final long workerId)
    {
        if (null != privateById.get(workerId))
        {
            removePrivate(workerId);
        }
    }

    private void removePrivate(final long workerId)
    {
        final Long2ObjectHashMap<Publication> copy = new Long2ObjectHashMap<>(privateById);
        final Publication removed = copy.remove(workerId);
        privateById = copy;
        privateOrder.remove(workerId);
        CloseHelper.quietClose(removed);
    }

    private synchronized Publication addGroup(final String groupName)
    {
        checkOpen();
        Publication publication = groupByName.get(groupName);
        if (null == publication)
        {
            publication = aeron.addPublication(channel, Configuration.groupStreamId(groupName));
            final Map<String, Publication> copy = new HashMap<>(groupByName);
            copy.put(groupName, publication);
            groupByName = copy;
        }

        return publication;
    }

    private synchronized Publication addPrivate(final long workerId)
    {
        checkOpen();
        Publication publication = privateById.get(workerId);
        if (null == publication)
        {
            publication = aeron.addPublication(channel, Configuration.privateStreamId(workerId));
            final Long2ObjectHashMap<Publication> copy = new Long2ObjectHashMap<>(privateById);
            copy.put(workerId, publication);
            privateOrder.addLast(workerId);
            while (privateOrder.size() > privateCacheSize)
            {
                final long oldest = privateOrder.removeFirst();
                CloseHelper.quietClose(copy.remove(oldest));
            }
            privateById = copy;
        }

        return publication;
    }

    private void checkOpen()
    {
        if (isClosed)
        {
            throw new ClustrException("node is closed: it cannot publish");
        }
    }

    public synchronized void close()
    {
        if (!isClosed)
        {
            isClosed = true;
            privateById.values().forEach(CloseHelper::quietClose);
            groupByName.values().forEach(CloseHelper::quietClose);
            privateById = new Long2ObjectHashMap<>();
            groupByName = new HashMap<>();
            privateOrder.clear();
            CloseHelper.quietCloseAll(publicPublication, confirmationPublication);
        }
    }
}
