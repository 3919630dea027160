package io.clustr.bench.workload;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

/**
 * The pinging side of the round-trip bench, shared by every Java transport: one ping outstanding at a time; each
 * pong is timed, the next ping is sent from the pong's callback. For each size, a warm-up period (not recorded)
 * then a measured period recorded into an HdrHistogram; reports
 * {@code BENCH bench=rtt msg_bytes=.. count=.. p50_ns=.. p90_ns=.. p99_ns=.. p999_ns=.. max_ns=..}. With a
 * {@link LinkProbe}, the measured period is also cut into {@link LinkIntervals}, each with its own histogram
 * ({@code probes=.. link_parts=n} on the {@code bench=rtt} line, then n lines
 * {@code BENCH link-part interval_hists=..}, compressed and in base 64), probed between two round trips.
 */
public final class RttPinger
{
    private static final long HIGHEST_TRACKABLE_NS = 60_000_000_000L;
    private static final long SEND_TIMEOUT_NS = 10_000_000_000L;

    /**
     * The interval histograms go in lines of their own after the {@code bench=rtt} line, each well under the 16 KiB
     * a spawned child's output line may have.
     */
    private static final int LINK_PART_CHARS = 12_000;

    private final MessageSink sink;
    private final int[] sizes;
    private final long warmupNs;
    private final long durationNs;
    private final Consumer<String> reporter;
    private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
    private final Histogram intervalHistogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
    private final UnsafeBuffer buffer;
    private final LinkIntervals intervals;
    private ByteBuffer encoded;

    private int sizeIndex;
    private boolean recording;
    private long phaseEndNs;
    private long sequence;
    private long sentAtNs;
    private volatile boolean done;

    /**
     * Create a pinger.
     *
     * @param sink       to send pings to.
     * @param sizes      message sizes in bytes, each at least {@link Payload#MIN_LENGTH}.
     * @param warmupNs   warm-up time per size.
     * @param durationNs measured time per size.
     * @param reporter   takes each result line.
     */
    public RttPinger(
        final MessageSink sink,
        final int[] sizes,
        final long warmupNs,
        final long durationNs,
        final Consumer<String> reporter)
    {
        this(sink, sizes, warmupNs, durationNs, reporter, null);
    }

    /**
     * Create a pinger that cuts each measured period into intervals with a {@link LinkProbe} between them.
     *
     * @param sink       to send pings to.
     * @param sizes      message sizes in bytes, each at least {@link Payload#MIN_LENGTH}.
     * @param warmupNs   warm-up time per size.
     * @param durationNs measured time per size.
     * @param reporter   takes each result line.
     * @param probe      to time the link between intervals, or null for none.
     */
    public RttPinger(
        final MessageSink sink,
        final int[] sizes,
        final long warmupNs,
        final long durationNs,
        final Consumer<String> reporter,
        final LinkProbe probe)
    {
        this.intervals = null == probe ? null : new LinkIntervals(probe);
        this.sink = sink;
        this.sizes = sizes.clone();
        this.warmupNs = warmupNs;
        this.durationNs = durationNs;
        this.reporter = reporter;

        int maxLength = Payload.MIN_LENGTH;
        for (final int size : sizes)
        {
            if (size < Payload.MIN_LENGTH)
            {
                throw new IllegalArgumentException("ping size must be at least " + Payload.MIN_LENGTH + ": " + size);
            }

            maxLength = Math.max(maxLength, size);
        }

        buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(maxLength));
        for (int i = 0; i < maxLength; i++)
        {
            buffer.putByte(i, (byte)('a' + (i % 26)));
        }
    }

    /**
     * Send the first ping.
     */
    public void start()
    {
        sizeIndex = 0;
        recording = false;
        phaseEndNs = System.nanoTime() + warmupNs;
        sendPing();
    }

    /**
     * Sequence number carried by a ping or pong.
     *
     * @param buffer holding the message.
     * @param offset of the message.
     * @return its sequence number.
     */
    public static long sequence(final org.agrona.DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + Payload.SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Account for one pong and send the next ping (or finish).
     *
     * @param pongSequence sequence number carried by the pong.
     */
    public void onPong(final long pongSequence)
    {
        final long nowNs = System.nanoTime();
        if (pongSequence != sequence || done)
        {
            return;
        }

        if (recording)
        {
            final long rttNs = Math.min(nowNs - sentAtNs, HIGHEST_TRACKABLE_NS);
            histogram.recordValue(rttNs);
            if (null != intervals)
            {
                intervalHistogram.recordValue(rttNs);
                if (intervals.isDue(nowNs) && nowNs - phaseEndNs < 0)
                {
                    intervals.next(encode(intervalHistogram));
                    intervalHistogram.reset();
                }
            }
        }

        if (nowNs - phaseEndNs >= 0)
        {
            if (!recording)
            {
                recording = true;
                histogram.reset();
                if (null != intervals)
                {
                    intervalHistogram.reset();
                    intervals.begin();
                }
                phaseEndNs = System.nanoTime() + durationNs;
            }
            else
            {
                report(sizes[sizeIndex]);
                recording = false;
                sizeIndex++;
                if (sizeIndex >= sizes.length)
                {
                    buffer.putByte(0, Payload.QUIT);
                    offer(sizes[sizes.length - 1]);
                    done = true;
                    return;
                }

                phaseEndNs = System.nanoTime() + warmupNs;
            }
        }

        sendPing();
    }

    /**
     * Whether every size has been measured (and the quit sent).
     *
     * @return true once the run is over.
     */
    public boolean isDone()
    {
        return done;
    }

    private void sendPing()
    {
        sequence++;
        buffer.putByte(0, Payload.PING);
        buffer.putLong(Payload.SEQUENCE_OFFSET, sequence, ByteOrder.LITTLE_ENDIAN);
        sentAtNs = System.nanoTime();
        offer(sizes[sizeIndex]);
    }

    private void offer(final int length)
    {
        if (sink.offer(buffer, length))
        {
            return;
        }

        final long deadlineNs = System.nanoTime() + SEND_TIMEOUT_NS;
        while (!sink.offer(buffer, length))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("ping not accepted within 10 s");
            }

            Thread.onSpinWait();
        }
    }

    private String encode(final Histogram h)
    {
        final int needed = h.getNeededByteBufferCapacity();
        if (null == encoded || encoded.capacity() < needed)
        {
            encoded = ByteBuffer.allocate(needed);
        }
        encoded.clear();
        final int length = h.encodeIntoCompressedByteBuffer(encoded);

        return Base64.getEncoder().encodeToString(Arrays.copyOf(encoded.array(), length));
    }

    private void report(final int size)
    {
        final Histogram h = histogram;
        final Object[] fields = {
            "bench", "rtt",
            "msg_bytes", size,
            "count", h.getTotalCount(),
            "p50_ns", h.getValueAtPercentile(50.0),
            "p90_ns", h.getValueAtPercentile(90.0),
            "p99_ns", h.getValueAtPercentile(99.0),
            "p999_ns", h.getValueAtPercentile(99.9),
            "max_ns", h.getMaxValue(),
            "mean_ns", (long)h.getMean()};
        if (null == intervals)
        {
            reporter.accept(BenchLine.format(fields));
            return;
        }

        intervals.next(encode(intervalHistogram));
        final List<String> parts = intervals.figureParts(LINK_PART_CHARS);
        final Object[] withIntervals = Arrays.copyOf(fields, fields.length + 4);
        withIntervals[fields.length] = "probes";
        withIntervals[fields.length + 1] = intervals.probes();
        withIntervals[fields.length + 2] = "link_parts";
        withIntervals[fields.length + 3] = parts.size();
        reporter.accept(BenchLine.format(withIntervals));
        for (final String part : parts)
        {
            reporter.accept(BenchLine.LINK_PART_PREFIX + "interval_hists=" + part);
        }
    }
}
