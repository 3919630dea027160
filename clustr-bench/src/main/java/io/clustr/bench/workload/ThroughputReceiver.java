package io.clustr.bench.workload;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The receiving side of the throughput bench: counts {@link Payload#DATA} messages between {@link Payload#START}
 * and {@link Payload#END} and reports {@code BENCH bench=throughput msg_bytes=.. msgs=.. ns=..} at each end marker.
 */
public final class ThroughputReceiver
{
    /**
     * How often (in messages) the receiver looks at the clock to see whether an interval is over.
     */
    private static final long CLOCK_MASK = 4096 - 1;

    private final Consumer<String> reporter;
    private final LinkIntervals intervals;
    private long intervalStartCount;
    private long count;
    private long warmupCount;
    private long startNs;
    private volatile boolean done;

    /**
     * Create a receiver.
     *
     * @param reporter takes each result line (printed, or sent back to a master).
     */
    public ThroughputReceiver(final Consumer<String> reporter)
    {
        this(reporter, null);
    }

    /**
     * Create a receiver that also cuts each window into intervals with a {@link LinkProbe} between them, reported as
     * {@code probes=.. interval_msgs=<msgs>:<ns>,..}.
     *
     * @param reporter takes each result line (printed, or sent back to a master).
     * @param probe    to time the link between intervals, or null for none.
     */
    public ThroughputReceiver(final Consumer<String> reporter, final LinkProbe probe)
    {
        this.reporter = reporter;
        this.intervals = null == probe ? null : new LinkIntervals(probe);
    }

    /**
     * Account for one received message.
     *
     * @param type   its first byte.
     * @param length its length in bytes.
     */
    public void onMessage(final byte type, final int length)
    {
        if (Payload.DATA == type)
        {
            if ((++count & CLOCK_MASK) == 0 && null != intervals)
            {
                onClock();
            }
            return;
        }

        switch (type)
        {
            case Payload.WARMUP:
                warmupCount++;
                break;

            case Payload.START:
                count = 0;
                startNs = System.nanoTime();
                if (null != intervals)
                {
                    intervals.begin();
                    intervalStartCount = 0;
                }
                break;

            case Payload.END:
                final long endNs = System.nanoTime();
                final long elapsedNs = endNs - startNs;
                final Object[] fields = {
                    "bench", "throughput", "msg_bytes", length, "msgs", count, "ns", elapsedNs,
                    "warmup_msgs", warmupCount};
                if (null != intervals)
                {
                    endInterval(endNs);
                    final Object[] withIntervals = Arrays.copyOf(fields, fields.length + 4);
                    System.arraycopy(intervals.fields("msgs"), 0, withIntervals, fields.length, 4);
                    reporter.accept(BenchLine.format(withIntervals));
                }
                else
                {
                    reporter.accept(BenchLine.format(fields));
                }
                warmupCount = 0;
                break;

            case Payload.QUIT:
                done = true;
                break;

            default:
                break;
        }
    }

    private void onClock()
    {
        final long nowNs = System.nanoTime();
        if (intervals.isDue(nowNs))
        {
            endInterval(nowNs);
        }
    }

    private void endInterval(final long nowNs)
    {
        intervals.next((count - intervalStartCount) + ":" + (nowNs - intervals.intervalStartNs()));
        intervalStartCount = count;
    }

    /**
     * Whether the quit marker has been received.
     *
     * @return true once the run is over.
     */
    public boolean isDone()
    {
        return done;
    }
}
