package io.clustr.bench.redis;

import io.clustr.bench.Args;
import io.clustr.bench.workload.BenchLine;
import io.clustr.bench.workload.ParentWatch;
import io.clustr.bench.workload.ThroughputReceiver;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;

/**
 * Redis pub/sub throughput subscriber: SUBSCRIBE through Jedis, counting with a {@link ThroughputReceiver}.
 */
public final class RedisSubscriberMain
{
    private RedisSubscriberMain()
    {
    }

    /**
     * Entry point.
     *
     * @param args {@code --port n [--host h]}.
     */
    public static void main(final String[] args)
    {
        final Args parsed = Args.parse(args);
        final ThroughputReceiver receiver = new ThroughputReceiver(System.out::println);
        final BinaryJedisPubSub pubSub = new BinaryJedisPubSub()
        {
            public void onSubscribe(final byte[] channel, final int subscribedChannels)
            {
                System.out.println(BenchLine.READY);
            }

            public void onMessage(final byte[] channel, final byte[] message)
            {
                receiver.onMessage(message[0], message.length);
                if (receiver.isDone())
                {
                    unsubscribe();
                }
            }
        };

        ParentWatch.start();
        try (Jedis jedis = RedisBench.connect(parsed))
        {
            jedis.subscribe(pubSub, RedisBench.THROUGHPUT_CHANNEL);
        }
    }
}
