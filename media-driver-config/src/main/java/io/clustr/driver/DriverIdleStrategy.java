package io.clustr.driver;

import org.agrona.SystemUtil;

import java.util.concurrent.TimeUnit;

/**
 * The idle strategy of the {@code shared} profile's driver thread: {@link ProgressiveBackoffIdleStrategy} with work
 * after an idle streak of {@link #SPORADIC_GAP_NS} (not 100 ms) counted as sporadic.
 * <p>
 * Why: the driver's timer runs every 100 ms ({@code aeron.timer.interval}, which the untethered streams' cut-loose
 * bound needs) and counts as work. With the nodes' 100 ms gap each timer tick came just inside it, counted as
 * regular traffic and restarted the count towards long parks, so an idle driver never parked long: about 1,000
 * wake-ups a second, 2.7 % of a core on a 2-core KVM guest (measured: 27 of the 67 ticks an idle master and four
 * workers used in 10 s, 9,953 context switches of the driver thread; 665 with the timer at 1 s). With half the timer
 * interval as the gap, the timer is sporadic and the driver parks long between its ticks. A driver has no
 * conversation to keep responsive: messages between nodes never pass through its thread, only commands (a node's
 * start, its subscriptions) and timers do.
 */
public final class DriverIdleStrategy extends ProgressiveBackoffIdleStrategy
{
    /**
     * Name to refer to this idle strategy.
     */
    public static final String ALIAS = "progressive-driver";

    /**
     * Work after an idle streak at least this long is sporadic: half the driver's 100 ms timer interval.
     */
    public static final long SPORADIC_GAP_NS = TimeUnit.MILLISECONDS.toNanos(50);

    /**
     * With the deep-park settings from the same system properties as {@link ProgressiveBackoffIdleStrategy}'s, so
     * the class can be named in {@code aeron.shared.idle.strategy}.
     */
    public DriverIdleStrategy()
    {
        super(
            SystemUtil.getDurationInNanos(DEEP_AFTER_PROP_NAME, DEEP_AFTER_DEFAULT_NS),
            SystemUtil.getDurationInNanos(DEEP_PARK_PROP_NAME, DEEP_PARK_DEFAULT_NS),
            SPORADIC_GAP_NS);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String alias()
    {
        return ALIAS;
    }
}
