package io.clustr.bench.aeron;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.clustr.bench.Args;
import io.clustr.bench.workload.ParentWatch;
import io.clustr.bench.workload.LinkProbe;
import io.clustr.bench.workload.RttPinger;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * Raw Aeron pinger: one thread polls the pong subscription with the given idle strategy; each pong is timed by a
 * {@link RttPinger}, which sends the next ping from the fragment handler.
 */
public final class AeronPingMain
{
    private AeronPingMain()
    {
    }

    /**
     * Entry point.
     *
     * @param args {@code --dir <aeron dir> [--term-length n] [--idle alias] [--sizes 32,1024] [--warmup-ms n]
     *             [--duration-ms n]}.
     */
    public static void main(final String[] args)
    {
        final Args parsed = Args.parse(args);
        final IdleStrategy idleStrategy = AeronBench.idleStrategy(parsed);
        final String channel = AeronBench.channel(parsed);

        ParentWatch.start();
        try (Aeron aeron = AeronBench.connect(parsed);
            Subscription pongs = aeron.addSubscription(channel, AeronBench.PONG_STREAM_ID);
            Publication pings = aeron.addPublication(channel, AeronBench.PING_STREAM_ID))
        {
            AeronBench.awaitConnected(pings);
            AeronBench.awaitConnected(pongs);

            final RttPinger pinger = new RttPinger(
                (buffer, length) -> pings.offer(buffer, 0, length) > 0,
                parsed.intList("sizes", "32,1024"),
                TimeUnit.MILLISECONDS.toNanos(parsed.longValue("warmup-ms", 1000)),
                TimeUnit.MILLISECONDS.toNanos(parsed.longValue("duration-ms", 2000)),
                System.out::println,
                LinkProbe.forOption(parsed.string("link-probe", "off")));
            final FragmentHandler handler =
                (buffer, offset, length, header) -> pinger.onPong(RttPinger.sequence(buffer, offset));

            pinger.start();
            while (!pinger.isDone())
            {
                idleStrategy.idle(pongs.poll(handler, 10));
            }
        }
    }
}
