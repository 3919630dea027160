package io.clustr.system;

import io.clustr.Channel;
import io.clustr.ClustrException;
import io.clustr.Options;
import io.clustr.Worker;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker for shutdown tests: its main thread publishes to the public stream as fast as it can, its public handler
 * receives that stream and echoes every 16th message to the worker's own private stream (so the duty-cycle thread
 * writes into a log too), and its main thread tells the master {@code streaming|<id>} once messages flow. With the
 * argument {@code slow} its public handler sleeps 200 ms per message, so a SIGTERM finds the duty cycle inside a
 * handler.
 */
public final class StreamingWorker
{
    private StreamingWorker()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final boolean isSlow = args.length > 0 && "slow".equals(args[0]);
        final Worker worker = Worker.create(Options.group("stream"));
        final Channel self = Channel.worker(worker.id());
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[32]);
        final AtomicLong received = new AtomicLong();
        final long reportAfter = isSlow ? 1 : 10_000;
        final AtomicBoolean isStreaming = new AtomicBoolean();

        worker
            .onPrivate((msg) -> received.incrementAndGet())
            .onPublic((msg) ->
            {
                final long count = received.incrementAndGet();
                try
                {
                    if (count >= reportAfter && !isStreaming.get())
                    {
                        isStreaming.set(true); // reported by the main thread: this test is not about handler publishes
                    }
                    if (0 == (count & 15))
                    {
                        worker.tryPublish(self, msg.buffer(), msg.offset(), msg.length());
                    }
                }
                catch (final ClustrException ex)
                {
                    // closed by the shutdown hook while handling: expected
                }
                if (isSlow)
                {
                    sleep(200);
                }
            });

        long sent = 0;
        boolean isReported = false;
        final long diagnoseAtNs = System.nanoTime() + 5_000_000_000L;
        boolean isDiagnosed = false;
        while (!worker.isClosed())
        {
            if (!isDiagnosed && !isStreaming.get() && System.nanoTime() - diagnoseAtNs > 0)
            {
                isDiagnosed = true;
                System.err.println("not streaming after 5 s: received " + received.get() + ", sent " + sent);
            }
            if (!isReported && isStreaming.get())
            {
                try
                {
                    worker.publish(Channel.worker(0), "streaming|" + worker.id());
                    isReported = true;
                }
                catch (final ClustrException ex)
                {
                    System.err.println("streaming report failed, retrying: " + ex);
                }
            }
            payload.putLong(0, sent++);
            try
            {
                worker.publish(Channel.PUBLIC, payload, 0, payload.capacity());
            }
            catch (final ClustrException ex)
            {
                // closed by the shutdown hook mid-publish, or back-pressured past the timeout by a slow handler
            }
        }
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
