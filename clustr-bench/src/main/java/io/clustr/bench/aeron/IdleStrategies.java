package io.clustr.bench.aeron;

import io.clustr.driver.ProgressiveBackoffIdleStrategy;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * Idle strategies by alias, as clustr's {@code clustr.idle.strategy} maps them: {@code progressive} (clustr's
 * default, {@link ProgressiveBackoffIdleStrategy}: Agrona's backoff while work arrives, 10 ms parks after 1 s idle),
 * {@code backoff} (Agrona's default {@link BackoffIdleStrategy}: 10 spins, 5 yields, then parks from 1 us doubling to
 * 1 ms), {@code yield}, {@code spin}, {@code noop}, {@code sleep-ns}, {@code sleep-ms}, or the name of a class
 * implementing {@link IdleStrategy} with a no-argument constructor.
 */
public final class IdleStrategies
{
    private IdleStrategies()
    {
    }

    /**
     * A fresh idle strategy for an alias.
     *
     * @param alias one of progressive, backoff, yield, spin, noop, sleep-ns, sleep-ms, or a class name.
     * @return the idle strategy.
     */
    public static IdleStrategy of(final String alias)
    {
        switch (alias)
        {
            case ProgressiveBackoffIdleStrategy.ALIAS:
                return new ProgressiveBackoffIdleStrategy();

            case BackoffIdleStrategy.ALIAS:
                return new BackoffIdleStrategy();

            case YieldingIdleStrategy.ALIAS:
                return YieldingIdleStrategy.INSTANCE;

            case BusySpinIdleStrategy.ALIAS:
                return BusySpinIdleStrategy.INSTANCE;

            case NoOpIdleStrategy.ALIAS:
                return NoOpIdleStrategy.INSTANCE;

            case SleepingIdleStrategy.ALIAS:
                return new SleepingIdleStrategy();

            case SleepingMillisIdleStrategy.ALIAS:
                return new SleepingMillisIdleStrategy();

            default:
                try
                {
                    return (IdleStrategy)Class.forName(alias).getConstructor().newInstance();
                }
                catch (final ReflectiveOperationException | ClassCastException ex)
                {
                    throw new IllegalArgumentException("unknown idle strategy: " + alias, ex);
                }
        }
    }
}
