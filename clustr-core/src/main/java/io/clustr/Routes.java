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
    private final long senderId;
    private final byte[] senderGroup;
    private final int privateCacheSize;
    private final Route publicRoute;
    private final Publication confirmationPublication;
    private final ArrayDeque<Long> privateOrder = new ArrayDeque<>();
    private volatile Long2ObjectHashMap<Route> privateById = new Long2ObjectHashMap<>();
    private volatile Map<String, Route> groupByName = new HashMap<>();
    private boolean isClosed;
    private volatile int version;

    Routes(
        final Aeron aeron,
        final String channel,
        final long senderId,
        final byte[] senderGroup,
        final int publicStreamId,
        final int confirmationStreamId,
        final int privateCacheSize)
    {
        this.aeron = aeron;
        this.channel = channel;
        this.senderId = senderId;
        this.senderGroup = senderGroup;
        this.privateCacheSize = privateCacheSize;
        this.publicRoute = new Route(
            awaitLinked(aeron.addPublication(channel, publicStreamId)), senderId, senderGroup, null);
        this.confirmationPublication = aeron.addPublication(channel, confirmationStreamId);
    }

    /**
     * The route of a public, group or private channel, added on first use.
     */
    Route route(final Channel target)
    {
        switch (target.kind())
        {
            case PUBLIC:
                return publicRoute;

            case GROUP:
            {
                final Route route = groupByName.get(target.groupName());
                return null != route ? route : addGroup(target);
            }

            case PRIVATE:
            {
                final Route route = privateById.get(target.workerId());
                return null != route ? route : addPrivate(target.workerId());
            }

            default:
                throw new IllegalArgumentException(target + " has no data route");
        }
    }

    /**
     * @return changes whenever a route is removed, so cached routes are looked up again.
     */
    int version()
    {
        return version;
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
            final Route route = groupByName.get(target.groupName());
            if (null != route && route.publication == publication)
            {
                final Map<String, Route> copy = new HashMap<>(groupByName);
                copy.remove(target.groupName());
                groupByName = copy;
                version++;
                CloseHelper.quietClose(publication);
            }
        }
        else if (target.kind() == Channel.Kind.PRIVATE)
        {
            final Route route = privateById.get(target.workerId());
            if (null != route && route.publication == publication)
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
        final Long2ObjectHashMap<Route> copy = new Long2ObjectHashMap<>(privateById);
        final Route removed = copy.remove(workerId);
        privateById = copy;
        version++;
        privateOrder.remove(workerId);
        if (null != removed)
        {
            CloseHelper.quietClose(removed.publication);
        }
    }

    private synchronized Route addGroup(final Channel target)
    {
        checkOpen();
        Route route = groupByName.get(target.groupName());
        if (null == route)
        {
            route = new Route(
                awaitLinked(aeron.addPublication(channel, Configuration.groupStreamId(target.groupName()))),
                senderId,
                senderGroup,
                target.groupNameBytes());
            final Map<String, Route> copy = new HashMap<>(groupByName);
            copy.put(target.groupName(), route);
            groupByName = copy;
        }

        return route;
    }

    private synchronized Route addPrivate(final long workerId)
    {
        checkOpen();
        Route route = privateById.get(workerId);
        if (null == route)
        {
            route = new Route(
                aeron.addPublication(channel, Configuration.privateStreamId(workerId)), senderId, senderGroup, null);
            final Long2ObjectHashMap<Route> copy = new Long2ObjectHashMap<>(privateById);
            copy.put(workerId, route);
            privateOrder.addLast(workerId);
            while (privateOrder.size() > privateCacheSize)
            {
                final Route oldest = copy.remove((long)privateOrder.removeFirst());
                version++;
                if (null != oldest)
                {
                    CloseHelper.quietClose(oldest.publication);
                }
            }
            privateById = copy;
        }

        return route;
    }

    private Publication awaitLinked(final Publication publication)
    {
        return Subscribers.awaitLinked(aeron, publication);
    }

    private void checkOpen()
    {
        if (isClosed)
        {
            throw new ClustrException("node is closed: it cannot publish");
        }
    }

    @Override
    public synchronized void close()
    {
        if (!isClosed)
        {
            isClosed = true;
            privateById.values().forEach((route) -> CloseHelper.quietClose(route.publication));
            groupByName.values().forEach((route) -> CloseHelper.quietClose(route.publication));
            privateById = new Long2ObjectHashMap<>();
            groupByName = new HashMap<>();
            privateOrder.clear();
            version++;
            CloseHelper.quietCloseAll(publicRoute.publication, confirmationPublication);
        }
    }
}
