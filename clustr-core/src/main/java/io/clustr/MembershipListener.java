package io.clustr;

import io.clustr.spawn.ExitStatus;

/**
 * Told of every node that joins or leaves the cluster, as this node learns of it: a cluster-wide view, whoever
 * spawned the worker (compare {@link LifecycleListener}, which tells a node of its own children's processes).
 * <p>
 * Added with {@link Node#onMembership(MembershipListener)}; called on the node's duty-cycle thread, so keep it short.
 * On registration it is first told of every current member, then of each change, in the order the node learns of
 * them: a member that joins and leaves is seen joining first, unless its join was never seen, and then it is only
 * seen leaving. Ids are never reused.
 */
public interface MembershipListener
{
    /**
     * A worker has joined (or was a member when this listener was added); this node's own join is included.
     *
     * @param member the worker.
     */
    default void onJoined(final MemberInfo member)
    {
    }

    /**
     * A node has left the cluster: it exited, was killed, or left. Told once per id, as soon as this node knows it
     * (its parent's exit report or its own leave frame, typically within milliseconds of its death).
     *
     * @param memberId the id of the node that left.
     * @param status   how it left: exit code or signal, and the reason.
     */
    default void onLeft(final long memberId, final ExitStatus status)
    {
    }
}
