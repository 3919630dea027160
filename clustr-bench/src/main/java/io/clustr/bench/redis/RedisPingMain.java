package io.clustr.bench.redis;

import io.clustr.bench.Args;
import io.clustr.bench.workload.ParentWatch;
import io.clustr.bench.workload.RttPinger;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;

import java.util.concurrent.TimeUnit;

/**
 * Redis pub/sub pinger: PUBLISH on the ping channel through one connection, SUBSCRIBE to the pong channel on
 * another; the next ping is sent from the pong callback.
 */
public final class RedisPingMain
{
    private RedisPingMain()
    {
    }

    /**
     * Entry point.
     *
     * @param args {@code --port n [--host h] [--sizes 32,1024] [--warmup-ms n] [--duration-ms n]}.
     */
    public static void main(final String[] args)
    {
        final Args parsed = Args.parse(args);
        final int[] sizes = parsed.intList("sizes", "32,1024");
        int maxSize = 0;
        for (final int size : sizes)
        {
            maxSize = Math.max(maxSize, size);
        }

        ParentWatch.start();
        try (Jedis publisher = RedisBench.connect(parsed); Jedis subscriber = RedisBench.connect(parsed))
        {
            final RttPinger pinger = new RttPinger(
                RedisBench.publishing(publisher, RedisBench.PING_CHANNEL, maxSize),
                sizes,
                TimeUnit.MILLISECONDS.toNanos(parsed.longValue("warmup-ms", 1000)),
                TimeUnit.MILLISECONDS.toNanos(parsed.longValue("duration-ms", 2000)),
                System.out::println);

            subscriber.subscribe(
                new BinaryJedisPubSub()
                {
                    public void onSubscribe(final byte[] channel, final int subscribedChannels)
                    {
                        pinger.start();
                    }

                    public void onMessage(final byte[] channel, final byte[] message)
                    {
                        pinger.onPong(RedisBench.sequence(message));
                        if (pinger.isDone())
                        {
                            unsubscribe();
                        }
                    }
                },
                RedisBench.PONG_CHANNEL);
        }
    }
}
