package io.clustr;

import io.clustr.spawn.ExitStatus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The kills this node asked for and is waiting to see the end of, each with a deadline. Used by the agent only: a
 * kill is tracked when its frame is sent, completed by the target's Exit (from its parent) or Leave (a worker
 * without a parent), and failed when its deadline passes or the node closes.
 */
final class KillTracker
{
    private final HashMap<Long, PendingKill> pendingById = new HashMap<>();
    private long earliestDeadlineNs = Long.MAX_VALUE;

    /**
     * Track a kill. A second kill of the same target completes with the first.
     *
     * @param targetId   the node being killed.
     * @param future     completed with its exit.
     * @param deadlineNs after which the future fails.
     */
    void track(final long targetId, final CompletableFuture<ExitStatus> future, final long deadlineNs)
    {
        final PendingKill existing = pendingById.get(targetId);
        if (null != existing)
        {
            existing.futures.add(future);
            return;
        }

        pendingById.put(targetId, new PendingKill(future, deadlineNs));
        earliestDeadlineNs = Math.min(earliestDeadlineNs, deadlineNs);
    }

    boolean isTracked(final long targetId)
    {
        return pendingById.containsKey(targetId);
    }

    int size()
    {
        return pendingById.size();
    }

    /**
     * The target has exited.
     *
     * @param targetId the node that exited.
     * @param status   its exit.
     */
    void complete(final long targetId, final ExitStatus status)
    {
        final PendingKill pending = pendingById.remove(targetId);
        if (null != pending)
        {
            for (final CompletableFuture<ExitStatus> future : pending.futures)
            {
                future.complete(status);
            }
        }
    }

    /**
     * Fail the kills whose deadline has passed.
     *
     * @param nowNs the agent's clock.
     */
    void expire(final long nowNs)
    {
        if (nowNs - earliestDeadlineNs < 0)
        {
            return;
        }

        long earliest = Long.MAX_VALUE;
        final List<Long> expired = new ArrayList<>();
        for (final Map.Entry<Long, PendingKill> entry : pendingById.entrySet())
        {
            final PendingKill pending = entry.getValue();
            if (nowNs - pending.deadlineNs >= 0)
            {
                expired.add(entry.getKey());
            }
            else
            {
                earliest = Math.min(earliest, pending.deadlineNs);
            }
        }
        earliestDeadlineNs = earliest;

        for (final Long targetId : expired)
        {
            fail(targetId, new ClustrException("no exit seen for worker " + targetId +
                " within the kill grace period plus 10 s: its parent may have died"));
        }
    }

    /**
     * Fail every pending kill: the node is closing.
     *
     * @param reason given to the futures.
     */
    void failAll(final ClustrException reason)
    {
        final List<Long> ids = new ArrayList<>(pendingById.keySet());
        for (final Long targetId : ids)
        {
            fail(targetId, reason);
        }
        earliestDeadlineNs = Long.MAX_VALUE;
    }

    private void fail(final long targetId, final ClustrException reason)
    {
        final PendingKill pending = pendingById.remove(targetId);
        if (null != pending)
        {
            for (final CompletableFuture<ExitStatus> future : pending.futures)
            {
                future.completeExceptionally(reason);
            }
        }
    }

    private static final class PendingKill
    {
        final List<CompletableFuture<ExitStatus>> futures = new ArrayList<>(1);
        final long deadlineNs;

        PendingKill(final CompletableFuture<ExitStatus> future, final long deadlineNs)
        {
            this.futures.add(future);
            this.deadlineNs = deadlineNs;
        }
    }
}
