package io.clustr.bench.workload;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * The pinging side of the round-trip bench, shared by every Java transport: one ping outstanding at a time; each
 * pong is timed, the next ping is sent from the pong's callback. For each size, a warm-up period (not recorded)
 * then a measured period recorded into an HdrHistogram; reports
 * {@code BENCH bench=rtt msg_bytes=.. count=.. p50_ns=.. p90_ns=.. p99_ns=.. p999_ns=.. max_ns=..}.
 */
public final class RttPinger
{
    private static final long HIGHEST_TRACKABLE_NS = 60_000_000_000L;
    private static final long SEND_TIMEOUT_NS = 10_000_000_000L;

    private final MessageSink sink;
    private final int[] sizes;
    private final long warmupNs;
    private final long durationNs;
    private final Consumer<String> reporter;
    private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
    private final UnsafeBuffer buffer;

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
            histogram.recordValue(Math.min(nowNs - sentAtNs, HIGHEST_TRACKABLE_NS));
        }

        if (nowNs - phaseEndNs >= 0)
        {
            if (!recording)
            {
                recording = true;
                histogram.reset();
                phaseEndNs = nowNs + durationNs;
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

    private void report(final int size)
    {
        final Histogram h = histogram;
        reporter.accept(BenchLine.format(
            "bench", "rtt",
            "msg_bytes", size,
            "count", h.getTotalCount(),
            "p50_ns", h.getValueAtPercentile(50.0),
            "p90_ns", h.getValueAtPercentile(90.0),
            "p99_ns", h.getValueAtPercentile(99.0),
            "p999_ns", h.getValueAtPercentile(99.9),
            "max_ns", h.getMaxValue(),
            "mean_ns", (long)h.getMean()));
    }
}
