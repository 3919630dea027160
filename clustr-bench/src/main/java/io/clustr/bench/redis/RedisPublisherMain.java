package io.clustr.bench.redis;

import io.clustr.bench.Args;
import io.clustr.bench.workload.BenchLine;
import io.clustr.bench.workload.ParentWatch;
import io.clustr.bench.workload.ThroughputPublisher;
import org.agrona.concurrent.NoOpIdleStrategy;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.util.concurrent.TimeUnit;

/**
 * Redis pub/sub throughput publisher: PUBLISH pipelined {@link RedisBench#PIPELINE_DEPTH} deep through Jedis.
 */
public final class RedisPublisherMain
{
    private RedisPublisherMain()
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
        try (Jedis jedis = RedisBench.connect(parsed))
        {
            final Pipeline pipeline = jedis.pipelined();
            final ThroughputPublisher publisher = new ThroughputPublisher(
                RedisBench.pipelined(pipeline, RedisBench.THROUGHPUT_CHANNEL, maxSize),
                NoOpIdleStrategy.INSTANCE,
                maxSize);
            final long sent = publisher.run(
                sizes,
                TimeUnit.MILLISECONDS.toNanos(parsed.longValue("warmup-ms", 1000)),
                TimeUnit.MILLISECONDS.toNanos(parsed.longValue("duration-ms", 2000)));
            pipeline.sync();
            System.out.println(BenchLine.format("bench", "publisher", "sent", sent, "refused", publisher.refused()));
        }
    }
}
