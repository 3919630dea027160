package io.clustr.bench.workload;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The publishing side of the throughput bench, shared by every Java transport: for each message size, warm-up
 * messages for a while, a start marker, measured messages for a while, an end marker; then a quit marker.
 * <p>
 * The publisher sends as fast as the transport accepts; when it is back-pressured it idles with the given strategy
 * (the same strategy the transport's receivers use). Markers are retried until accepted.
 */
public final class ThroughputPublisher
{
    private static final int BATCH = 256;
    private static final long MARKER_TIMEOUT_NS = 30_000_000_000L;

    private final MessageSink sink;
    private final IdleStrategy idleStrategy;
    private final UnsafeBuffer buffer;
    private long refused;

    /**
     * Create a publisher.
     *
     * @param sink          to send to.
     * @param idleStrategy  used while back-pressured.
     * @param maxLength     largest message size that will be sent.
     */
    public ThroughputPublisher(final MessageSink sink, final IdleStrategy idleStrategy, final int maxLength)
    {
        this.sink = sink;
        this.idleStrategy = idleStrategy;
        this.buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(maxLength, Payload.MIN_LENGTH)));
        for (int i = 0; i < buffer.capacity(); i++)
        {
            buffer.putByte(i, (byte)('a' + (i % 26)));
        }
    }

    /**
     * Run every size in turn, then send the quit marker.
     *
     * @param sizes      message sizes in bytes.
     * @param warmupNs   warm-up time per size.
     * @param durationNs measured time per size.
     * @return messages accepted during the measured windows, all sizes together.
     */
    public long run(final int[] sizes, final long warmupNs, final long durationNs)
    {
        long measured = 0;
        for (final int size : sizes)
        {
            send(Payload.WARMUP, size, warmupNs);
            sendMarker(Payload.START, size);
            measured += send(Payload.DATA, size, durationNs);
            sendMarker(Payload.END, size);
        }

        sendMarker(Payload.QUIT, sizes[sizes.length - 1]);
        return measured;
    }

    private long send(final byte type, final int length, final long durationNs)
    {
        buffer.putByte(0, type);
        final MessageSink sink = this.sink;
        final IdleStrategy idleStrategy = this.idleStrategy;
        final UnsafeBuffer buffer = this.buffer;
        final long deadlineNs = System.nanoTime() + durationNs;
        long sent = 0;
        boolean idled = false;

        do
        {
            for (int i = 0; i < BATCH; i++)
            {
                if (sink.offer(buffer, length))
                {
                    sent++;
                    if (idled)
                    {
                        idleStrategy.reset();
                        idled = false;
                    }
                }
                else
                {
                    refused++;
                    idleStrategy.idle();
                    idled = true;
                }
            }
        }
        while (System.nanoTime() - deadlineNs < 0);

        return sent;
    }

    /**
     * Offers the transport refused (back-pressured) during the warm-up and measured windows, all sizes together: with
     * {@code sent}, whether the publisher or its subscribers set the pace.
     *
     * @return refused offers so far.
     */
    public long refused()
    {
        return refused;
    }

    private void sendMarker(final byte type, final int length)
    {
        buffer.putByte(0, type);
        final long deadlineNs = System.nanoTime() + MARKER_TIMEOUT_NS;
        idleStrategy.reset();
        while (!sink.offer(buffer, length))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("marker " + (char)type + " not accepted within 30 s");
            }

            idleStrategy.idle();
        }
    }
}
