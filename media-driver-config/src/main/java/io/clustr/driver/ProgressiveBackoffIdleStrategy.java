package io.clustr.driver;

import org.agrona.SystemUtil;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Agrona's backoff (spin, yield, then park for 1 µs doubling up to 1 ms) with one more step for threads that are
 * mostly idle: once a thread has parked for {@link #DEEP_AFTER_PROP_NAME} in total since its last <em>regular</em>
 * work, each park lasts {@link #DEEP_PARK_PROP_NAME}. Work that comes within {@link #SPORADIC_GAP_NS} of the
 * previous work is regular (a stream, a conversation) and keeps the thread on the short backoff; work after a longer
 * gap (a keep-alive, a timer, an occasional message) is sporadic: the thread handles it, backs off as usual, and after
 * {@link #RETURN_DEEP_AFTER_NS} of short parks returns to long ones.
 * <p>
 * Why: on a virtual machine (measured on a 2-core KVM guest) a thread parked in 1 ms steps burns about 2 % of a core
 * doing nothing, so an idle cluster of a master, its driver and four workers (six polling threads) burns over 10 %.
 * With long parks of 20 ms the same idle cluster measured 4.0 % of one core (5.5 % with 10 ms). The price: a message
 * to a thread that has been mostly idle for over a second waits up to {@code deepPark} before it is seen; threads
 * with regular traffic (work at least every 100 ms) respond as with the plain backoff. Use Agrona's {@code backoff}
 * (or a shorter {@code clustr.idle.deep.park}) where sparse messages must be answered within a millisecond.
 */
public class ProgressiveBackoffIdleStrategy implements IdleStrategy
{
    /**
     * Name to refer to this idle strategy, e.g. in {@code clustr.idle.strategy}.
     */
    public static final String ALIAS = "progressive";

    /**
     * Total park time of an idle streak after which parks get long.
     */
    public static final String DEEP_AFTER_PROP_NAME = "clustr.idle.deep.after";

    /**
     * Default total park time before parks get long: one second.
     */
    public static final long DEEP_AFTER_DEFAULT_NS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Length of each park once an idle streak has gone deep.
     */
    public static final String DEEP_PARK_PROP_NAME = "clustr.idle.deep.park";

    /**
     * Default long park: 20 ms.
     */
    public static final long DEEP_PARK_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(20);

    /**
     * Work that comes after an idle streak at least this long is sporadic and does not restart the count towards
     * long parks.
     */
    public static final long SPORADIC_GAP_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Short parking after sporadic work before a mostly idle thread parks long again: a reply that comes within it
     * makes the traffic regular.
     */
    public static final long RETURN_DEEP_AFTER_NS = TimeUnit.MILLISECONDS.toNanos(3);

    /**
     * Spins before yielding, as Agrona's backoff.
     */
    public static final long MAX_SPINS = 10;

    /**
     * Yields before parking, as Agrona's backoff.
     */
    public static final long MAX_YIELDS = 5;

    /**
     * First park, as Agrona's backoff.
     */
    public static final long MIN_PARK_NS = 1_000;

    /**
     * Longest park before the streak goes deep, as Agrona's backoff.
     */
    public static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private static final int NOT_IDLE = 0;
    private static final int SPINNING = 1;
    private static final int YIELDING = 2;
    private static final int PARKING = 3;
    private static final int DEEP = 4;

    private final long deepAfterNs;
    private final long deepParkNs;
    private final long sporadicGapNs;
    private int state = NOT_IDLE;
    private long spins;
    private long yields;
    private long parkPeriodNs = MIN_PARK_NS;
    private long parkedNs;
    private long idleNs;

    /**
     * With the deep-park settings from system properties, so the class can be named in
     * {@code aeron.shared.idle.strategy} and friends.
     */
    public ProgressiveBackoffIdleStrategy()
    {
        this(SystemUtil.getDurationInNanos(DEEP_AFTER_PROP_NAME, DEEP_AFTER_DEFAULT_NS),
            SystemUtil.getDurationInNanos(DEEP_PARK_PROP_NAME, DEEP_PARK_DEFAULT_NS));
    }

    /**
     * @param deepAfterNs total park time of an idle streak after which parks get long.
     * @param deepParkNs  length of each long park.
     */
    public ProgressiveBackoffIdleStrategy(final long deepAfterNs, final long deepParkNs)
    {
        this(deepAfterNs, deepParkNs, SPORADIC_GAP_NS);
    }

    /**
     * @param deepAfterNs   total park time of an idle streak after which parks get long.
     * @param deepParkNs    length of each long park.
     * @param sporadicGapNs work after an idle streak at least this long is sporadic ({@link #SPORADIC_GAP_NS} by
     *                      default; the driver's {@link DriverIdleStrategy} uses a shorter one).
     */
    public ProgressiveBackoffIdleStrategy(final long deepAfterNs, final long deepParkNs, final long sporadicGapNs)
    {
        if (deepAfterNs < 0 || deepParkNs < MIN_PARK_NS || sporadicGapNs < 0)
        {
            throw new IllegalArgumentException("deep after and sporadic gap must be >= 0 and deep park >= 1us: " +
                "deepAfterNs=" + deepAfterNs + " deepParkNs=" + deepParkNs + " sporadicGapNs=" + sporadicGapNs);
        }
        this.deepAfterNs = deepAfterNs;
        this.deepParkNs = deepParkNs;
        this.sporadicGapNs = sporadicGapNs;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public final void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public final void idle()
    {
        switch (state)
        {
            case NOT_IDLE:
                state = SPINNING;
                spins++;
                break;

            case SPINNING:
                Thread.onSpinWait();
                if (++spins > MAX_SPINS)
                {
                    state = YIELDING;
                    yields = 0;
                }
                break;

            case YIELDING:
                if (++yields > MAX_YIELDS)
                {
                    state = PARKING;
                    parkPeriodNs = MIN_PARK_NS;
                    parkedNs = 0;
                }
                else
                {
                    Thread.yield();
                }
                break;

            case PARKING:
                LockSupport.parkNanos(parkPeriodNs);
                parkedNs += parkPeriodNs;
                idleNs += parkPeriodNs;
                parkPeriodNs = Math.min(parkPeriodNs << 1, MAX_PARK_NS);
                if (idleNs >= deepAfterNs && parkedNs >= Math.min(RETURN_DEEP_AFTER_NS, deepAfterNs))
                {
                    state = DEEP;
                }
                break;

            default:
                LockSupport.parkNanos(deepParkNs);
                break;
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public final void reset()
    {
        if (DEEP != state && parkedNs < sporadicGapNs)
        {
            idleNs = 0;
        }
        spins = 0;
        yields = 0;
        parkPeriodNs = MIN_PARK_NS;
        parkedNs = 0;
        state = NOT_IDLE;
    }

    boolean isDeep()
    {
        return DEEP == state;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String alias()
    {
        return ALIAS;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return getClass().getSimpleName() + "{alias=" + alias() + ", deepAfterNs=" + deepAfterNs + ", deepParkNs=" +
            deepParkNs + ", sporadicGapNs=" + sporadicGapNs + "}";
    }
}
