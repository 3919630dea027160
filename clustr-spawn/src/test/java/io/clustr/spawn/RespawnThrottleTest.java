package io.clustr.spawn;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RespawnThrottleTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private long nowNs = 1_000_000_000L;

    private final RespawnPolicy policy = RespawnPolicy.onFailure()
        .minInterval(Duration.ofMillis(500))
        .backoff(Duration.ofSeconds(4))
        .stableAfter(Duration.ofSeconds(10))
        .crashLoop(100, Duration.ofSeconds(30));

    private RespawnThrottle throttle(final RespawnPolicy policy)
    {
        return new RespawnThrottle(policy, () -> nowNs);
    }

    private void advanceMs(final long ms)
    {
        nowNs += ms * MS;
    }

    /**
     * Fork, live for {@code upMs}, die; then wait the returned delay as the supervisor would.
     */
    private long forkLiveDie(final RespawnThrottle throttle, final long upMs)
    {
        throttle.onFork();
        advanceMs(upMs);
        final long delayNs = throttle.onDeath();
        if (delayNs > 0)
        {
            nowNs += delayNs;
        }

        return delayNs;
    }

    @Test
    void shouldWaitMinIntervalAfterFirstEarlyDeath()
    {
        final RespawnThrottle throttle = throttle(policy);
        throttle.onFork();
        advanceMs(100);

        assertEquals(500 * MS, throttle.onDeath());
        assertEquals(1, throttle.consecutiveEarlyDeaths());
    }

    @Test
    void shouldDoubleBackoffForConsecutiveEarlyDeathsUpToCap()
    {
        final RespawnThrottle throttle = throttle(policy);

        assertEquals(500 * MS, forkLiveDie(throttle, 0));
        assertEquals(1000 * MS, forkLiveDie(throttle, 0));
        assertEquals(2000 * MS, forkLiveDie(throttle, 0));
        assertEquals(4000 * MS, forkLiveDie(throttle, 0));
        assertEquals(4000 * MS, forkLiveDie(throttle, 0));
        assertEquals(4000 * MS, forkLiveDie(throttle, 50));
        assertEquals(6, throttle.consecutiveEarlyDeaths());
    }

    @Test
    void shouldResetBackoffAfterStableIncarnation()
    {
        final RespawnThrottle throttle = throttle(policy);
        forkLiveDie(throttle, 0);
        forkLiveDie(throttle, 0);
        forkLiveDie(throttle, 0);

        assertEquals(0, forkLiveDie(throttle, 10_000), "a stable incarnation is respawned at once");
        assertEquals(0, throttle.consecutiveEarlyDeaths());
        assertEquals(500 * MS, forkLiveDie(throttle, 0), "the backoff starts over");
    }

    @Test
    void shouldKeepMinIntervalBetweenForksEvenWithoutBackoff()
    {
        final RespawnThrottle throttle = throttle(policy.stableAfter(Duration.ZERO));
        throttle.onFork();
        advanceMs(200);

        assertEquals(300 * MS, throttle.onDeath());

        throttle.onFork();
        advanceMs(800);
        assertEquals(0, throttle.onDeath());
    }

    @Test
    void shouldNotCapBelowMinInterval()
    {
        final RespawnThrottle throttle = throttle(policy.backoff(Duration.ofMillis(100)));

        assertEquals(500 * MS, forkLiveDie(throttle, 0));
        assertEquals(500 * MS, forkLiveDie(throttle, 0));
    }

    @Test
    void shouldRespawnAtOnceWithZeroMinInterval()
    {
        final RespawnThrottle throttle = throttle(policy.minInterval(Duration.ZERO));

        assertEquals(0, forkLiveDie(throttle, 0));
        assertEquals(0, forkLiveDie(throttle, 0));
    }

    @Test
    void shouldGiveUpAtCrashLoopBudget()
    {
        final RespawnThrottle throttle = throttle(policy.crashLoop(5, Duration.ofSeconds(30)));

        for (int i = 1; i < 5; i++)
        {
            assertTrue(forkLiveDie(throttle, 10) >= 0, "death " + i);
        }

        throttle.onFork();
        advanceMs(10);
        assertEquals(RespawnThrottle.GIVE_UP, throttle.onDeath());
        assertEquals(5, throttle.deathsInWindow());
        assertTrue(throttle.gaveUpReason().contains("5 deaths within 30000 ms"), throttle.gaveUpReason());
    }

    @Test
    void shouldGiveUpAtFirstDeathWithBudgetOfOne()
    {
        final RespawnThrottle throttle = throttle(policy.crashLoop(1, Duration.ofSeconds(1)));
        throttle.onFork();

        assertEquals(RespawnThrottle.GIVE_UP, throttle.onDeath());
    }

    @Test
    void shouldForgetDeathsOutsideWindow()
    {
        final RespawnThrottle throttle = throttle(policy.crashLoop(3, Duration.ofSeconds(30)));

        for (int i = 0; i < 20; i++)
        {
            assertEquals(0, forkLiveDie(throttle, 15_001), "death " + i);
            assertTrue(throttle.deathsInWindow() <= 2);
        }
    }

    @Test
    void shouldCountDeathsWithinSlidingWindow()
    {
        final RespawnThrottle throttle = throttle(policy.crashLoop(3, Duration.ofSeconds(30)).stableAfter(
            Duration.ofSeconds(1)));

        forkLiveDie(throttle, 20_000);
        forkLiveDie(throttle, 5_000);
        throttle.onFork();
        advanceMs(6_000);

        assertEquals(2, throttle.deathsInWindow());
        assertEquals(RespawnThrottle.GIVE_UP, throttle.onDeath(), "3 deaths within 30 s");
    }

    @Test
    void shouldNotOverflowWithHugeIntervals()
    {
        final RespawnThrottle throttle = throttle(RespawnPolicy.always()
            .minInterval(Duration.ofDays(365))
            .backoff(Duration.ofDays(365 * 1000))
            .stableAfter(Duration.ofDays(365 * 1000))
            .crashLoop(1000, Duration.ofSeconds(1)));

        long previous = 0;
        for (int i = 0; i < 70; i++)
        {
            throttle.onFork();
            final long delayNs = throttle.onDeath();
            assertTrue(delayNs >= previous, "delay " + i + " = " + delayNs);
            assertTrue(delayNs > 0);
            previous = delayNs;
        }
    }
}
