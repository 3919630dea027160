package io.clustr;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.clustr.spawn.ExitStatus;
import org.agrona.CloseHelper;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The publications a node sends on. Public and confirmation publications are added at start; group and private
 * ones are added on first use and cached (private ones up to a bound, the oldest closed first).
 * <p>
 * Lookups happen on any publishing thread without locks: the caches are copy-on-write maps behind volatile
 * references, replaced under a lock only when a publication is added or removed. A group that the master has not
 * assigned has no route (no worker of it ever joined: nobody to deliver to); a worker that has left has none
 * either, and is never given a new one.
 */
final class Routes implements AutoCloseable
{
    private final Aeron aeron;
    private final String channel;
    private final long senderId;
    private final GroupRegistry groups;
    private final Supplier<Membership.View> membership;
    private final int privateCacheSize;
    private final Route publicRoute;
    private final Publication confirmationPublication;
    private final ArrayDeque<Long> privateOrder = new ArrayDeque<>();
    private volatile Long2ObjectHashMap<Route> privateById = new Long2ObjectHashMap<>();
    private volatile Map<String, Route> groupByName = new HashMap<>();
    private volatile long reservedValue;
    private boolean isClosed;
    private volatile int version;

    Routes(
        final Aeron aeron,
        final String channel,
        final long senderId,
        final int senderGroupId,
        final GroupRegistry groups,
        final Supplier<Membership.View> membership,
        final int publicStreamId,
        final int confirmationStreamId,
        final int privateCacheSize)
    {
        this.aeron = aeron;
        this.channel = channel;
        this.senderId = senderId;
        this.groups = groups;
        this.membership = membership;
        this.privateCacheSize = privateCacheSize;
        this.reservedValue = FrameFormat.reservedValue(senderId, senderGroupId);
        this.publicRoute = new Route(
            awaitLinked(aeron.addPublication(channel, publicStreamId)), Channel.PUBLIC, reservedValue);
        this.confirmationPublication = aeron.addPublication(channel, confirmationStreamId);
    }

    /**
     * The node's group has its id (a worker has joined): every frame from now on names it.
     *
     * @param senderGroupId id of the node's group.
     */
    synchronized void senderGroupId(final int senderGroupId)
    {
        final long value = FrameFormat.reservedValue(senderId, senderGroupId);
        reservedValue = value;
        publicRoute.reservedValue = value;
        groupByName.values().forEach((route) -> route.reservedValue = value);
        privateById.values().forEach((route) -> route.reservedValue = value);
        version++; // the fast publish path keeps a route's reserved value: it arms again with the new one
    }

    /**
     * The route of a public, group or private channel, added on first use.
     *
     * @param target the channel.
     * @return the route, or null for a group the master has not assigned: no worker of it has joined.
     * @throws ClustrException if the target is a worker that has left the cluster.
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
                return null != route ? route : addPrivate(target);
            }

            default:
                throw new IllegalArgumentException(target + " has no data route");
        }
    }

    /**
     * @return changes whenever a route is removed or the routes' reserved value changes, so cached routes are looked
     * up again.
     */
    int version()
    {
        return version;
    }

    /**
     * The node is closing: every route a publishing thread has cached is looked up again, and that lookup finds
     * the node closed (the fast publish path checks the version, not the node's state).
     */
    synchronized void invalidate()
    {
        version++;
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
     * The worker has left: close our publication to its private stream. The membership has recorded the
     * departure first, so no publishing thread adds the route again.
     */
    synchronized void closePrivate(final long workerId)
    {
        if (null != privateById.get(workerId))
        {
            removePrivate(workerId);
        }
    }

    /**
     * @param workerId a private channel's target.
     * @throws ClustrException if that worker has left the cluster.
     */
    void checkNotDeparted(final long workerId)
    {
        final ExitStatus departure = membership.get().departure(workerId);
        if (null != departure)
        {
            throw new ClustrException("cannot publish to worker(" + workerId + "): it has left the cluster (" +
                departure.reason() + ")");
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

    private Route addGroup(final Channel target)
    {
        final int groupId = groups.idOf(target.groupName());
        if (groupId < 0)
        {
            return null;
        }

        synchronized (this)
        {
            checkOpen();
            Route route = groupByName.get(target.groupName());
            if (null == route)
            {
                final int streamId = Configuration.groupStreamId(groupId);
                route = new Route(awaitLinked(aeron.addPublication(channel, streamId)), target, reservedValue);
                final Map<String, Route> copy = new HashMap<>(groupByName);
                copy.put(target.groupName(), route);
                groupByName = copy;
            }

            return route;
        }
    }

    private synchronized Route addPrivate(final Channel target)
    {
        checkOpen();
        final long workerId = target.workerId();
        Route route = privateById.get(workerId);
        if (null == route)
        {
            checkNotDeparted(workerId);
            // Linked before first use: a target that is subscribed is connected at once, so even a handler's
            // publish (which waits 100 ms at most) never mistakes a new route for an absent target.
            route = new Route(awaitLinked(aeron.addPublication(channel, Configuration.privateStreamId(workerId))),
                target, reservedValue);
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
