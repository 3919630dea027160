package io.clustr.bench;

import io.clustr.bench.redis.RedisPingMain;
import io.clustr.bench.redis.RedisPongMain;
import io.clustr.bench.redis.RedisPublisherMain;
import io.clustr.bench.redis.RedisSubscriberMain;
import io.clustr.bench.workload.BenchLine;
import redis.clients.jedis.Jedis;

import java.util.List;
import java.util.Map;

/**
 * Redis pub/sub peer (through Jedis, against the loopback redis-server run.sh started): throughput 1 -> 1 with a
 * pipelined publisher, and ping-pong.
 */
final class RedisSuite
{
    static final String SYSTEM = "redis";
    static final String STREAM = "pubsub";

    private final BenchContext ctx;

    RedisSuite(final BenchContext ctx)
    {
        this.ctx = ctx;
    }

    void run()
    {
        if (ctx.redisPort <= 0)
        {
            ctx.results.skip(SYSTEM, "no redis-server port given (run.sh starts one when redis-server is installed)");
            return;
        }

        try (Jedis jedis = new Jedis(ctx.redisHost, ctx.redisPort))
        {
            jedis.ping();
        }
        catch (final RuntimeException ex)
        {
            ctx.results.skip(SYSTEM, "no redis-server at " + ctx.redisHost + ":" + ctx.redisPort + ": " + ex);
            return;
        }

        throughput();
        rtt();
    }

    private List<String> common()
    {
        return BenchContext.list("--host", ctx.redisHost, "--port", Integer.toString(ctx.redisPort));
    }

    private List<String> timed()
    {
        return ctx.timed(common());
    }

    private void throughput()
    {
        ctx.note("Redis pub/sub throughput: 1 publisher (pipelined) -> 1 subscriber");
        try (BenchChild sub = ctx.java("redis-sub", RedisSubscriberMain.class, common()))
        {
            sub.awaitLine(BenchLine.READY, 30_000);
            try (BenchChild pub = ctx.java("redis-pub", RedisPublisherMain.class, timed()))
            {
                for (final int size : ctx.sizes)
                {
                    final double rate = BenchContext.rate(BenchContext.fields(
                        sub.awaitLine("BENCH bench=throughput", ctx.phaseTimeoutMs())));
                    ctx.results.add(new Result("throughput", STREAM, SYSTEM)
                        .key("msg_bytes", size)
                        .key("subscribers", 1)
                        .value("msgs_per_s", rate, 0));
                }

                pub.awaitExit(60_000);
            }

            sub.awaitExit(60_000);
        }
    }

    private void rtt()
    {
        ctx.note("Redis pub/sub ping-pong");
        try (BenchChild pong = ctx.java("redis-pong", RedisPongMain.class, common()))
        {
            pong.awaitLine(BenchLine.READY, 30_000);
            try (BenchChild ping = ctx.java("redis-ping", RedisPingMain.class, timed()))
            {
                for (final int size : ctx.sizes)
                {
                    final Map<String, String> fields = BenchContext.fields(
                        ping.awaitLine("BENCH bench=rtt", ctx.phaseTimeoutMs()));
                    ctx.results.add(BenchContext.percentiles(
                        new Result("rtt", STREAM, SYSTEM).key("msg_bytes", size), fields));
                }

                ping.awaitExit(30_000);
            }

            pong.awaitExit(30_000);
        }
    }
}
