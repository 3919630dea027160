package io.clustr.bench;

import io.clustr.bench.calls.CallTransports;

import java.util.Collections;
import java.util.List;

/**
 * Adds the ratios to every result once all measurements are in: each system against raw Aeron at the same size
 * (and, for round trips, the same idle strategy), clustr against Redis and Node, spawn time against the JVM
 * start-up floors, idle cost against raw Aeron clients; on the call workloads clustr against NATS and Redis lists,
 * and every system's call round trip against raw Aeron's ping-pong. Data-path ratios are of the medians of the
 * rounds; the ratio of each round to the same round of raw Aeron is listed beside them ({@code rounds_ratio_...}),
 * except for a figure of one state of the CPU link ({@link LinkSplit}), compared with raw Aeron's in the same state:
 * only the medians pair up there, since a round may have one state and not the other.
 */
final class Ratios
{
    private Ratios()
    {
    }

    static void add(final BenchContext ctx)
    {
        final Results results = ctx.results;
        final List<Result> all = results.all();
        for (final Result result : all)
        {
            final String system = result.key("system");
            final String bench = result.key("bench");
            final String size = result.key("msg_bytes");
            final String link = result.key("link");
            if (AeronSuite.SYSTEM.equals(system))
            {
                continue;
            }

            switch (bench)
            {
                case "throughput":
                case "fanout":
                {
                    final double rate = result.value("msgs_per_s");
                    final Result aeron = results.find(LinkSplit.keys(link,
                        "bench", bench, "system", AeronSuite.SYSTEM, "msg_bytes", size));
                    if (null != aeron)
                    {
                        result.ratio("ratio_vs_aeron", rate, aeron.value("msgs_per_s"));
                        if (null == link)
                        {
                            result.roundRatios(
                                "ratio_vs_aeron", result.rounds("msgs_per_s"), aeron.rounds("msgs_per_s"));
                        }
                    }
                    if (ClustrSuites.SYSTEM.equals(system) && "throughput".equals(bench) && null == link)
                    {
                        result.ratio("ratio_vs_redis", rate, results.value(
                            "msgs_per_s", "bench", bench, "system", RedisSuite.SYSTEM, "msg_bytes", size));
                        result.ratio("ratio_vs_node", rate, results.value(
                            "msgs_per_s", "bench", bench, "system", NodeSuite.SYSTEM, "msg_bytes", size));
                    }
                    break;
                }

                case "rtt":
                {
                    final String idle = null == result.key("idle") ? ctx.idle : result.key("idle");
                    final Result aeron = results.find(LinkSplit.keys(link,
                        "bench", "rtt", "system", AeronSuite.SYSTEM, "idle", idle, "msg_bytes", size));
                    if (null != aeron)
                    {
                        result.ratio("ratio_p50_vs_aeron", result.value("p50_us"), aeron.value("p50_us"));
                        result.ratio("ratio_p99_vs_aeron", result.value("p99_us"), aeron.value("p99_us"));
                        if (null == link)
                        {
                            result.roundRatios(
                                "ratio_p50_vs_aeron", result.rounds("p50_us"), aeron.rounds("p50_us"));
                            result.roundRatios(
                                "ratio_p99_vs_aeron", result.rounds("p99_us"), aeron.rounds("p99_us"));
                        }
                    }

                    if (ClustrSuites.SYSTEM.equals(system) && null == link)
                    {
                        result.ratio("redis_p50_over_clustr_p50", results.value(
                            "p50_us", "bench", "rtt", "system", RedisSuite.SYSTEM, "msg_bytes", size),
                            result.value("p50_us"));
                    }
                    break;
                }

                case "call":
                case "call_empty":
                case "call_rtt":
                case "job":
                    addCallRatios(ctx, result);
                    break;

                case "spawn":
                    result.ratio("ratio_vs_jvm_start", result.value("median_ms"),
                        results.value("median_ms", "bench", "jvm_start"));
                    result.ratio("ratio_vs_jvm_aeron_connect", result.value("median_ms"),
                        results.value("median_ms", "bench", "jvm_aeron_connect"));
                    break;

                case "idle_rss":
                    if ("worker".equals(result.key("role")))
                    {
                        result.ratio("ratio_vs_aeron_client", result.value("rss_mib"), results.value(
                            "rss_mib", "bench", "idle_rss", "system", AeronSuite.SYSTEM, "role", "client"));
                    }
                    break;

                case "idle_cpu":
                    result.ratio("ratio_vs_aeron", result.value("cpu_pct_of_core"), results.value(
                        "cpu_pct_of_core", "bench", "idle_cpu", "system", AeronSuite.SYSTEM));
                    break;

                default:
                    break;
            }
        }
    }

    /**
     * clustr's calls against NATS and Redis lists (same workers, callers and size), its jobs against Redis lists,
     * and every system's call round trip (1 worker, 1 caller) against raw Aeron's ping-pong p50 (the run's idle
     * strategy, same size). All of the medians of the calls rounds; each round's ratio is listed too: against the
     * same round of the peer (the systems are interleaved per round), and for the round trip against raw Aeron's
     * median (its rounds are the data path's, not interleaved with the calls rounds).
     */
    private static void addCallRatios(final BenchContext ctx, final Result result)
    {
        final Results results = ctx.results;
        final String system = result.key("system");
        final String bench = result.key("bench");
        final String size = result.key("msg_bytes");
        final boolean clustr = ClustrSuites.SYSTEM.equals(system);
        if (clustr && ("call".equals(bench) || "call_empty".equals(bench)))
        {
            for (final String peer : new String[]{CallTransports.NATS, CallTransports.REDIS})
            {
                final Result other = results.find("bench", bench, "system", peer, "workers", result.key("workers"),
                    "callers", result.key("callers"), "msg_bytes", size);
                if (null != other)
                {
                    result.ratio("ratio_vs_" + peer, result.value("calls_per_s"), other.value("calls_per_s"));
                    result.roundRatios(
                        "ratio_vs_" + peer, result.rounds("calls_per_s"), other.rounds("calls_per_s"));
                }
            }
        }
        else if ("call_rtt".equals(bench))
        {
            final double aeronP50 = results.value(
                "p50_us", "bench", "rtt", "system", AeronSuite.SYSTEM, "idle", ctx.idle, "msg_bytes", size);
            result.ratio("ratio_p50_vs_aeron", result.value("p50_us"), aeronP50);
            if (!Double.isNaN(aeronP50))
            {
                final List<Double> perRound = result.rounds("p50_us");
                result.roundRatios("ratio_p50_vs_aeron", perRound, Collections.nCopies(
                    perRound.size(), aeronP50));
            }
        }
        else if (clustr && "job".equals(bench))
        {
            final Result redis = results.find("bench", "job", "system", CallTransports.REDIS,
                "workers", result.key("workers"), "msg_bytes", size);
            if (null != redis)
            {
                result.ratio("ratio_vs_redis", result.value("jobs_per_s"), redis.value("jobs_per_s"));
                result.roundRatios("ratio_vs_redis", result.rounds("jobs_per_s"), redis.rounds("jobs_per_s"));
            }
        }
    }
}
