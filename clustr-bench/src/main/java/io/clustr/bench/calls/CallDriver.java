package io.clustr.bench.calls;

import io.clustr.bench.workload.BenchLine;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The calling side of the call workloads, the same over every system: {@code callers} concurrent callers, each with
 * one call outstanding and its next call started from its previous reply's handler. A warm-up period (not counted),
 * then a measured window: the calls that complete in it are counted and their latency (start to reply, {@code
 * System.nanoTime}) recorded in an HdrHistogram per caller, merged at the end. After the window no call is started;
 * the outstanding ones are awaited. Reports {@code BENCH bench=call calls=.. ns=.. p50_ns=.. p90_ns=.. p99_ns=..
 * p999_ns=.. max_ns=..}.
 * <p>
 * Requests carry the caller's call count at offset 0 and the letters a-z after it; every reply's length is checked
 * and every caller's first md5 reply is checked byte for byte (echoed request and digest).
 */
public final class CallDriver implements CallClient.ReplyHandler
{
    private static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long DRAIN_TIMEOUT_MS = 30_000;

    private final CallClient client;
    private final String function;
    private final int msgBytes;
    private final int replyLength;
    private final Caller[] callers;
    private final CountDownLatch finished;
    private final AtomicReference<String> failure = new AtomicReference<>();
    private long measureStartNs;
    private long measureEndNs;

    /**
     * Create a driver.
     *
     * @param client   to call through.
     * @param function the function called ({@link CallFunctions#MD5} or {@link CallFunctions#EMPTY}).
     * @param callers  how many concurrent callers.
     * @param msgBytes request length, at least 8.
     */
    public CallDriver(final CallClient client, final String function, final int callers, final int msgBytes)
    {
        if (msgBytes < 8)
        {
            throw new IllegalArgumentException("--msg-bytes must be at least 8: " + msgBytes);
        }

        if (callers < 1)
        {
            throw new IllegalArgumentException("--callers must be at least 1: " + callers);
        }

        this.client = client;
        this.function = function;
        this.msgBytes = msgBytes;
        this.replyLength = CallFunctions.replyLength(function, msgBytes);
        this.callers = new Caller[callers];
        for (int i = 0; i < callers; i++)
        {
            this.callers[i] = new Caller(msgBytes);
        }

        this.finished = new CountDownLatch(callers);
    }

    /**
     * Run the warm-up and the measured window, wait for the outstanding calls, and return the result line.
     *
     * @param warmupNs   warm-up time.
     * @param durationNs measured window.
     * @return the {@code BENCH bench=call ...} line.
     * @throws IllegalStateException when a call failed or a reply was wrong or did not come.
     */
    public String run(final long warmupNs, final long durationNs)
    {
        measureStartNs = System.nanoTime() + warmupNs;
        measureEndNs = measureStartNs + durationNs;
        for (int i = 0; i < callers.length; i++)
        {
            send(i, callers[i]);
        }

        try
        {
            final long timeoutMs = TimeUnit.NANOSECONDS.toMillis(warmupNs + durationNs) + DRAIN_TIMEOUT_MS;
            if (!finished.await(timeoutMs, TimeUnit.MILLISECONDS))
            {
                throw new IllegalStateException(finished.getCount() + " of " + callers.length +
                    " callers still waiting for a reply " + timeoutMs + " ms after the start");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }

        if (null != failure.get())
        {
            throw new IllegalStateException(failure.get());
        }

        final Histogram total = new Histogram(HIGHEST_TRACKABLE_NS, 3);
        long calls = 0;
        for (final Caller caller : callers)
        {
            total.add(caller.histogram);
            calls += caller.measured;
        }

        return BenchLine.format(
            "bench", "call",
            "function", function,
            "callers", callers.length,
            "msg_bytes", msgBytes,
            "calls", calls,
            "ns", measureEndNs - measureStartNs,
            "p50_ns", total.getValueAtPercentile(50.0),
            "p90_ns", total.getValueAtPercentile(90.0),
            "p99_ns", total.getValueAtPercentile(99.0),
            "p999_ns", total.getValueAtPercentile(99.9),
            "max_ns", total.getMaxValue(),
            "mean_ns", (long)total.getMean());
    }

    /**
     * {@inheritDoc}
     */
    public void onReply(final int index, final DirectBuffer reply, final int offset, final int length)
    {
        final long nowNs = System.nanoTime();
        final Caller caller = callers[index];
        if (length != replyLength)
        {
            fail(index, "reply of " + length + " B, expected " + replyLength + " B (" + function + " of " +
                msgBytes + " B)");
            return;
        }

        if (replyLength > 0 && reply.getLong(offset, ByteOrder.LITTLE_ENDIAN) != caller.count)
        {
            fail(index, "reply to call " + reply.getLong(offset, ByteOrder.LITTLE_ENDIAN) + ", expected " +
                caller.count);
            return;
        }

        if (1 == caller.count && CallFunctions.MD5.equals(function))
        {
            final String wrong = CallFunctions.checkMd5(caller.request, msgBytes, reply, offset, length);
            if (null != wrong)
            {
                fail(index, wrong);
                return;
            }
        }

        if (nowNs - measureStartNs >= 0 && nowNs - measureEndNs < 0)
        {
            caller.histogram.recordValue(Math.min(nowNs - caller.sentAtNs, HIGHEST_TRACKABLE_NS));
            caller.measured++;
        }

        if (nowNs - measureEndNs < 0 && null == failure.get())
        {
            send(index, caller);
        }
        else
        {
            finished.countDown();
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onError(final int index, final Throwable error)
    {
        fail(index, "call failed: " + error);
    }

    private void fail(final int index, final String what)
    {
        failure.compareAndSet(null, "caller " + index + ": " + what);
        finished.countDown();
    }

    private void send(final int index, final Caller caller)
    {
        caller.count++;
        caller.request.putLong(0, caller.count, ByteOrder.LITTLE_ENDIAN);
        caller.sentAtNs = System.nanoTime();
        client.call(index, caller.request, msgBytes, this);
    }

    private static final class Caller
    {
        final UnsafeBuffer request;
        final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
        long count;
        long sentAtNs;
        long measured;

        Caller(final int msgBytes)
        {
            request = new UnsafeBuffer(new byte[msgBytes]);
            for (int i = 8; i < msgBytes; i++)
            {
                request.putByte(i, (byte)('a' + (i % 26)));
            }
        }
    }
}
