package io.clustr.bench.redis;

import io.clustr.bench.Args;
import io.clustr.bench.workload.BenchLine;
import io.clustr.bench.workload.ParentWatch;
import io.clustr.bench.workload.Payload;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;

/**
 * Redis pub/sub ponger: SUBSCRIBE to the ping channel, PUBLISH each ping unchanged on the pong channel through a
 * second connection; exits on {@link Payload#QUIT}.
 */
public final class RedisPongMain
{
    private RedisPongMain()
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

        ParentWatch.start();
        try (Jedis publisher = RedisBench.connect(parsed); Jedis subscriber = RedisBench.connect(parsed))
        {
            subscriber.subscribe(
                new BinaryJedisPubSub()
                {
                    public void onSubscribe(final byte[] channel, final int subscribedChannels)
                    {
                        System.out.println(BenchLine.READY);
                    }

                    public void onMessage(final byte[] channel, final byte[] message)
                    {
                        if (Payload.QUIT == message[0])
                        {
                            unsubscribe();
                            return;
                        }

                        publisher.publish(RedisBench.PONG_CHANNEL, message);
                    }
                },
                RedisBench.PING_CHANNEL);
        }
    }
}
