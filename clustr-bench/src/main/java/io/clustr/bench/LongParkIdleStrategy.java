package io.clustr.bench;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * Agrona's backoff (10 spins, 5 yields, parks from 1 us doubling) with a longer longest park: 10 ms by default,
 * {@code -Dbench.idle.max.park.ns=<ns>} to change it. Diagnostic: shows what idle CPU an idle cluster would burn if
 * its polling threads parked longer once idle. Usable by name wherever Aeron or clustr take an idle strategy class
 * ({@code -Daeron.shared.idle.strategy=io.clustr.bench.LongParkIdleStrategy},
 * {@code -Dclustr.idle.strategy=io.clustr.bench.LongParkIdleStrategy}).
 */
public final class LongParkIdleStrategy implements IdleStrategy
{
    /**
     * System property naming the longest park in nanoseconds.
     */
    public static final String MAX_PARK_PROP_NAME = "bench.idle.max.park.ns";

    private final BackoffIdleStrategy delegate = new BackoffIdleStrategy(
        BackoffIdleStrategy.DEFAULT_MAX_SPINS,
        BackoffIdleStrategy.DEFAULT_MAX_YIELDS,
        BackoffIdleStrategy.DEFAULT_MIN_PARK_PERIOD_NS,
        Long.getLong(MAX_PARK_PROP_NAME, 10_000_000L));

    /**
     * {@inheritDoc}
     */
    public void idle(final int workCount)
    {
        delegate.idle(workCount);
    }

    /**
     * {@inheritDoc}
     */
    public void idle()
    {
        delegate.idle();
    }

    /**
     * {@inheritDoc}
     */
    public void reset()
    {
        delegate.reset();
    }

    /**
     * {@inheritDoc}
     */
    public String alias()
    {
        return "backoff-long";
    }
}
