package io.clustr.bench.aeron;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.clustr.Configuration;
import io.clustr.bench.Args;
import io.clustr.driver.ProgressiveBackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * What every raw Aeron bench process shares: its client, its channel and its stream ids.
 */
public final class AeronBench
{
    /**
     * Stream of the throughput bench.
     */
    public static final int THROUGHPUT_STREAM_ID = 1001;

    /**
     * Stream carrying pings.
     */
    public static final int PING_STREAM_ID = 1002;

    /**
     * Stream carrying pongs.
     */
    public static final int PONG_STREAM_ID = 1003;

    /**
     * Stream the idle clients subscribe to (nothing is ever sent on it).
     */
    public static final int IDLE_STREAM_ID = 1004;

    /**
     * Default IPC term length: clustr's default (1 MiB, {@code io.clustr.Configuration.TERM_LENGTH_DEFAULT}); the
     * orchestrator passes one value to raw Aeron and clustr alike.
     */
    public static final int DEFAULT_TERM_LENGTH = io.clustr.Configuration.TERM_LENGTH_DEFAULT;

    private static final long CONNECT_TIMEOUT_NS = 10_000_000_000L;

    private AeronBench()
    {
    }

    /**
     * The IPC channel with the given term length.
     *
     * @param termLength IPC term length in bytes.
     * @return the channel URI.
     */
    public static String channel(final int termLength)
    {
        return "aeron:ipc?term-length=" + termLength;
    }

    /**
     * The idle strategy named by {@code --idle}, clustr's default when absent, created as clustr creates its own.
     *
     * @param args the command line.
     * @return a new idle strategy.
     */
    public static IdleStrategy idleStrategy(final Args args)
    {
        return Configuration.idleStrategy(
            args.string("idle", ProgressiveBackoffIdleStrategy.ALIAS));
    }

    /**
     * The channel from {@code --term-length}.
     *
     * @param args the command line.
     * @return the channel URI.
     */
    public static String channel(final Args args)
    {
        return channel(args.intValue("term-length", DEFAULT_TERM_LENGTH));
    }

    /**
     * Connect a plain Aeron client (its own conductor thread, as most applications do) to {@code --dir}.
     *
     * @param args the command line.
     * @return the client.
     */
    public static Aeron connect(final Args args)
    {
        return Aeron.connect(new Aeron.Context().aeronDirectoryName(args.required("dir")));
    }

    /**
     * Wait until a publication has a subscriber.
     *
     * @param publication to wait on.
     */
    public static void awaitConnected(final Publication publication)
    {
        final long deadlineNs = System.nanoTime() + CONNECT_TIMEOUT_NS;
        while (!publication.isConnected())
        {
            checkDeadline(deadlineNs, "publication " + publication.streamId());
            Thread.yield();
        }
    }

    /**
     * Wait until a subscription has a publisher.
     *
     * @param subscription to wait on.
     */
    public static void awaitConnected(final Subscription subscription)
    {
        final long deadlineNs = System.nanoTime() + CONNECT_TIMEOUT_NS;
        while (!subscription.isConnected())
        {
            checkDeadline(deadlineNs, "subscription " + subscription.streamId());
            Thread.yield();
        }
    }

    private static void checkDeadline(final long deadlineNs, final String what)
    {
        if (System.nanoTime() - deadlineNs > 0)
        {
            throw new IllegalStateException(what + " not connected within 10 s");
        }
    }
}
