package io.clustr.spawn;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * The respawn decision of one slot: how long to wait before the next fork, or to give up. It knows nothing of
 * processes, so tests drive it with a fake clock. Not thread safe: the supervisor thread owns it.
 */
final class RespawnThrottle
{
    static final long GIVE_UP = -1;

    private final RespawnPolicy policy;
    private final LongSupplier nanoClock;
    private final long minIntervalNs;
    private final long maxBackoffNs;
    private final long stableAfterNs;
    private final long crashLoopWindowNs;
    private final ArrayDeque<Long> deathTimesNs = new ArrayDeque<>();
    private long lastForkNs;
    private boolean forked;
    private int consecutiveEarlyDeaths;

    RespawnThrottle(final RespawnPolicy policy, final LongSupplier nanoClock)
    {
        this.policy = policy;
        this.nanoClock = nanoClock;
        this.minIntervalNs = toNanos(policy.minInterval());
        this.maxBackoffNs = toNanos(policy.maxBackoff());
        this.stableAfterNs = toNanos(policy.stableAfter());
        this.crashLoopWindowNs = toNanos(policy.crashLoopWindow());
    }

    /**
     * A fork of the slot was attempted now.
     */
    void onFork()
    {
        lastForkNs = nanoClock.getAsLong();
        forked = true;
    }

    /**
     * The incarnation forked last died now and its exit wants a respawn.
     *
     * @return the delay in nanoseconds before the next fork (0 or more), or {@link #GIVE_UP} when the crash-loop budget
     * is spent.
     */
    long onDeath()
    {
        final long nowNs = nanoClock.getAsLong();
        final long uptimeNs = forked ? nowNs - lastForkNs : 0;

        while (!deathTimesNs.isEmpty() && nowNs - deathTimesNs.peekFirst() >= crashLoopWindowNs)
        {
            deathTimesNs.pollFirst();
        }
        deathTimesNs.addLast(nowNs);

        if (uptimeNs >= stableAfterNs)
        {
            consecutiveEarlyDeaths = 0;
        }
        else
        {
            consecutiveEarlyDeaths++;
        }

        if (deathTimesNs.size() >= policy.crashLoopDeaths())
        {
            return GIVE_UP;
        }

        final long backoffNs = 0 == consecutiveEarlyDeaths ? 0 : backoffNs(consecutiveEarlyDeaths);
        final long sinceForkNs = forked ? nowNs - lastForkNs : Long.MAX_VALUE;
        final long intervalDelayNs = sinceForkNs >= minIntervalNs ? 0 : minIntervalNs - sinceForkNs;

        return Math.max(intervalDelayNs, backoffNs);
    }

    /**
     * Number of deaths in a row of incarnations that were not up long enough to count as stable.
     *
     * @return the consecutive early deaths.
     */
    int consecutiveEarlyDeaths()
    {
        return consecutiveEarlyDeaths;
    }

    /**
     * Deaths counted in the crash-loop window at the last {@link #onDeath()}.
     *
     * @return the deaths in the window.
     */
    int deathsInWindow()
    {
        return deathTimesNs.size();
    }

    /**
     * Why the slot was given up, for {@link SupervisorListener#onGaveUp(ChildProcess, String)}.
     *
     * @return human text naming the budget.
     */
    String gaveUpReason()
    {
        return "crash loop: " + deathTimesNs.size() + " deaths within " + policy.crashLoopWindow().toMillis() +
            " ms (budget " + policy.crashLoopDeaths() + "), not respawning any more";
    }

    private static long toNanos(final Duration duration)
    {
        try
        {
            return duration.toNanos();
        }
        catch (final ArithmeticException ex)
        {
            return Long.MAX_VALUE;
        }
    }

    private long backoffNs(final int k)
    {
        long delayNs = minIntervalNs;
        for (int i = 1; i < k && delayNs < maxBackoffNs; i++)
        {
            delayNs = delayNs > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : delayNs * 2;
        }

        return Math.min(delayNs, maxBackoffNs);
    }
}
