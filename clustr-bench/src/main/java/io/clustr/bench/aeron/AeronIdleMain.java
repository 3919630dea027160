package io.clustr.bench.aeron;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.clustr.bench.Args;
import io.clustr.bench.workload.BenchLine;
import io.clustr.bench.workload.ParentWatch;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ShutdownSignalBarrier;

/**
 * An idle raw Aeron client: one subscription polled with the given idle strategy while nothing is sent. The floor
 * for idle RSS and idle CPU. Runs until SIGINT/SIGTERM or until its parent exits.
 */
public final class AeronIdleMain
{
    private static volatile boolean running = true;

    private AeronIdleMain()
    {
    }

    /**
     * Entry point.
     *
     * @param args {@code --dir <aeron dir> [--term-length n] [--idle alias]}.
     */
    public static void main(final String[] args)
    {
        final Args parsed = Args.parse(args);
        final IdleStrategy idleStrategy = AeronBench.idleStrategy(parsed);
        final FragmentHandler handler = (buffer, offset, length, header) -> {};

        ParentWatch.start();
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier())
        {
            final Thread stopper = new Thread(
                () ->
                {
                    barrier.await();
                    running = false;
                },
                "stopper");
            stopper.setDaemon(true);
            stopper.start();

            try (Aeron aeron = AeronBench.connect(parsed);
                Subscription subscription = aeron.addSubscription(
                    AeronBench.channel(parsed), AeronBench.IDLE_STREAM_ID))
            {
                System.out.println(BenchLine.READY);
                while (running)
                {
                    idleStrategy.idle(subscription.poll(handler, 10));
                }
            }
        }
    }
}
