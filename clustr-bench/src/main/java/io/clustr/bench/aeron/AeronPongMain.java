package io.clustr.bench.aeron;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.clustr.bench.Args;
import io.clustr.bench.workload.BenchLine;
import io.clustr.bench.workload.ParentWatch;
import io.clustr.bench.workload.Payload;
import org.agrona.concurrent.IdleStrategy;

/**
 * Raw Aeron ponger: polls the ping subscription with the given idle strategy and echoes each ping unchanged on the
 * pong publication; exits on {@link Payload#QUIT}.
 */
public final class AeronPongMain
{
    private static boolean done;

    private AeronPongMain()
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
        final String channel = AeronBench.channel(parsed);

        ParentWatch.start();
        try (Aeron aeron = AeronBench.connect(parsed);
            Subscription pings = aeron.addSubscription(channel, AeronBench.PING_STREAM_ID);
            Publication pongs = aeron.addPublication(channel, AeronBench.PONG_STREAM_ID))
        {
            final FragmentHandler handler = (buffer, offset, length, header) ->
            {
                if (Payload.QUIT == buffer.getByte(offset))
                {
                    done = true;
                    return;
                }

                while (pongs.offer(buffer, offset, length) < 0)
                {
                    Thread.onSpinWait();
                }
            };

            System.out.println(BenchLine.READY);
            while (!done)
            {
                idleStrategy.idle(pings.poll(handler, 10));
            }
        }
    }
}
