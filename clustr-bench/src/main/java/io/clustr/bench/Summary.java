package io.clustr.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The human summary printed after the RESULT lines: throughput, round trip, start-up and idle cost side by side,
 * with ratios against raw Aeron, Redis and Node, and the targets marked met or missed. Data-path figures are
 * medians of the interleaved rounds, with every round listed at the end of its row.
 */
final class Summary
{
    private static final String[] STREAMS = {"public", "group", "private"};

    /**
     * luafan's README: about 45,000 calls/s on its machine for its own workload.
     */
    private static final double LUAFAN_CALLS_PER_S = 45_000;

    private final Results results;
    private final BenchContext ctx;
    private final PrintStream out;

    Summary(final BenchContext ctx, final PrintStream out)
    {
        this.ctx = ctx;
        this.results = ctx.results;
        this.out = out;
    }

    void print()
    {
        out.println();
        if (null != results.find("bench", "throughput") || null != results.find("bench", "fanout"))
        {
            throughput();
        }

        if (null != results.find("bench", "rtt"))
        {
            rtt();
        }

        if (null != results.find("link", LinkSplit.NEAR) || null != results.find("link", LinkSplit.FAR))
        {
            byLink();
        }

        if (null != results.find("bench", "call") || null != results.find("bench", "call_empty") ||
            null != results.find("bench", "call_rtt") || null != results.find("bench", "job"))
        {
            calls();
        }

        startupAndIdle();
        targets();
        for (final String skipped : results.skipped())
        {
            out.println("skipped " + skipped);
        }
    }

    private void throughput()
    {
        out.println("== Throughput: messages delivered per second, M/s, median of " + rounds() +
            " (each side its own process; ratio = median / raw Aeron's median at the same size; rounds: each " +
            "round's M/s) ==");
        final StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-8s %-16s", "system", "workload"));
        for (final int size : ctx.sizes)
        {
            header.append(String.format(Locale.ROOT, " %10s %8s", size + " B", "ratio"));
        }

        header.append("   rounds");

        out.println(header);
        throughputRow("aeron", "throughput", AeronSuite.STREAM, "1->1 ipc");
        throughputRow("aeron", "fanout", AeronSuite.STREAM, "1->" + ctx.fanout + " ipc");
        for (final String stream : STREAMS)
        {
            throughputRow("clustr", "throughput", stream, "1->1 " + stream);
        }

        throughputRow("clustr", "fanout", "public", "1->" + ctx.fanout + " public");
        throughputRow("redis", "throughput", RedisSuite.STREAM, "1->1 pubsub");
        throughputRow("node", "throughput", NodeSuite.STREAM, "1->1 process.send");
        out.println();
    }

    private void throughputRow(final String system, final String bench, final String stream, final String label)
    {
        throughputRow(system, bench, stream, label, null);
    }

    private void throughputRow(
        final String system, final String bench, final String stream, final String label, final String link)
    {
        if (null == results.find(keys(link, "bench", bench, "stream", stream, "system", system)))
        {
            return;
        }

        final StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-8s %-16s", system, label));
        for (final int size : ctx.sizes)
        {
            final double rate = results.value(
                "msgs_per_s", keys(link, "bench", bench, "stream", stream, "system", system, "msg_bytes", "" + size));
            final double aeron = results.value(
                "msgs_per_s", keys(link, "bench", bench, "system", AeronSuite.SYSTEM, "msg_bytes", "" + size));
            row.append(String.format(Locale.ROOT, " %10s %8s", millions(rate), ratio(rate, aeron)));
        }

        final StringBuilder rounds = new StringBuilder();
        for (final int size : ctx.sizes)
        {
            final Result result = results.find(
                keys(link, "bench", bench, "stream", stream, "system", system, "msg_bytes", "" + size));
            if (null != result && !result.rounds("msgs_per_s").isEmpty())
            {
                final List<Double> millions = new ArrayList<>();
                result.rounds("msgs_per_s").forEach((r) -> millions.add(r / 1e6));
                rounds.append(rounds.length() > 0 ? " | " : "   ").append(Result.list(millions, 2));
            }
        }

        out.println(row.append(rounds));
    }

    private static String[] keys(final String link, final String... keyValues)
    {
        return LinkSplit.keys(link, keyValues);
    }

    /**
     * The data-path figures again, per state of the CPU link (see {@link LinkSplit}), when the run found two.
     */
    private void byLink()
    {
        out.println("== By the CPU link (" + LinkSplit.NEAR + ": the two CPUs' cache line round trip in the fast " +
            "state, " + LinkSplit.FAR + ": in the slow one; intervals of ~100 ms with the same state on both sides; " +
            "each figure the median of the rounds that had at least " + LinkSplit.MIN_INTERVALS + " such intervals, " +
            "ratio against raw Aeron's in the same state) ==");
        for (final String link : new String[]{LinkSplit.NEAR, LinkSplit.FAR})
        {
            if (null == results.find("link", link))
            {
                out.println(link + ": no round had enough intervals in this state");
                continue;
            }

            out.println(link + " (" + linkRoundTrip(link) + "), throughput M/s:");
            throughputRow("aeron", "throughput", AeronSuite.STREAM, "1->1 ipc", link);
            throughputRow("aeron", "fanout", AeronSuite.STREAM, "1->" + ctx.fanout + " ipc", link);
            for (final String stream : STREAMS)
            {
                throughputRow("clustr", "throughput", stream, "1->1 " + stream, link);
            }
            throughputRow("clustr", "fanout", "public", "1->" + ctx.fanout + " public", link);
            out.println(link + " (" + linkRoundTrip(link) + "), round trip:");
            rttRows(link);
        }

        out.println();
    }

    /**
     * @return the cache line round trip of a state of the link, as the run measured it: the states are the run's own
     * (the faster and the slower it found), so a "near" of one run is comparable with another's only if this matches.
     */
    private String linkRoundTrip(final String link)
    {
        final double[] roundTrips = ctx.linkRoundTripsNs;
        if (null == roundTrips)
        {
            return "link round trip not measured";
        }
        return String.format(Locale.ROOT, "cache line round trip %.0f ns", LinkSplit.NEAR.equals(link) ?
            roundTrips[0] : roundTrips[1]);
    }

    private void rtt()
    {
        out.println("== Round trip, ping-pong, microseconds (HdrHistogram; warm-up excluded; each percentile the " +
            "median of " + rounds() + "; ratio = median / raw Aeron's median with the same idle strategy) ==");
        out.println(String.format(Locale.ROOT, "%-8s %-12s %-11s %7s %9s %9s %9s %9s %9s %9s %9s   %s",
            "system", "stream", "idle", "size", "p50", "p90", "p99", "p99.9", "max", "p50 ratio", "p99 ratio",
            "rounds p50 | p99"));
        rttRows(null);
        out.println();
    }

    private void rttRows(final String link)
    {
        for (final Result result : results.all())
        {
            if (!result.matches("bench", "rtt") || !Objects.equals(link, result.key("link")))
            {
                continue;
            }

            final String idle = null == result.key("idle") ? "-" : result.key("idle");
            final double aeronP50 = results.value("p50_us", keys(link, "bench", "rtt", "system", AeronSuite.SYSTEM,
                "idle", "-".equals(idle) ? ctx.idle : idle, "msg_bytes", result.key("msg_bytes")));
            final double aeronP99 = results.value("p99_us", keys(link, "bench", "rtt", "system", AeronSuite.SYSTEM,
                "idle", "-".equals(idle) ? ctx.idle : idle, "msg_bytes", result.key("msg_bytes")));
            final String rounds = result.rounds("p50_us").isEmpty() ? "" :
                Result.list(result.rounds("p50_us"), 2) + " | " + Result.list(result.rounds("p99_us"), 2);
            out.println(String.format(Locale.ROOT, "%-8s %-12s %-11s %7s %9.2f %9.2f %9.2f %9.2f %9.2f %9s %9s   %s",
                result.key("system"), result.key("stream"), idle, result.key("msg_bytes") + " B",
                result.value("p50_us"), result.value("p90_us"), result.value("p99_us"), result.value("p999_us"),
                result.value("max_us"), ratio(result.value("p50_us"), aeronP50),
                ratio(result.value("p99_us"), aeronP99), rounds).stripTrailing());
        }
    }

    private void calls()
    {
        out.println("== Calls and jobs (work-pattern issue): worker processes each running one call at a time (" +
            CallsSuite.WORKERS + ", the round trip " + CallsSuite.RTT_WORKERS + "); latency from the call to its " +
            "reply (HdrHistogram), microseconds; median of " + ctx.callsRounds + " interleaved round" +
            (1 == ctx.callsRounds ? "" : "s") + " after a " + ctx.callsWarmupMs + " ms warm-up each; rounds: " +
            "calls/s | p50 ==");
        out.println(String.format(Locale.ROOT, "%-8s %-30s %12s %9s %9s %9s %9s %9s   %s",
            "system", "workload", "calls/s", "p50", "p90", "p99", "p99.9", "max", "ratios"));
        for (final String bench : new String[]{"call", "call_empty", "call_rtt"})
        {
            for (final Result result : results.all())
            {
                if (!result.matches("bench", bench))
                {
                    continue;
                }

                final String label = ("call".equals(bench) ? "md5 " : "empty ") + result.key("msg_bytes") + " B, " +
                    result.key("workers") + "w, " + result.key("callers") + " caller" +
                    ("1".equals(result.key("callers")) ? "" : "s");
                final StringBuilder ratios = new StringBuilder();
                for (final String ratio : new String[]{"ratio_vs_nats", "ratio_vs_redis", "ratio_p50_vs_aeron"})
                {
                    if (null != result.text(ratio))
                    {
                        ratios.append(ratios.length() > 0 ? " " : "").append(ratio).append('=')
                            .append(result.text(ratio));
                    }
                }

                out.println(String.format(Locale.ROOT, "%-8s %-30s %12.0f %9.2f %9.2f %9.2f %9.2f %9.2f   %s",
                    result.key("system"), label, result.value("calls_per_s"), result.value("p50_us"),
                    result.value("p90_us"), result.value("p99_us"), result.value("p999_us"), result.value("max_us"),
                    ratios).stripTrailing() + callRounds(result, "calls_per_s", "p50_us"));
            }
        }

        for (final Result result : results.all())
        {
            if (result.matches("bench", "job"))
            {
                out.println(String.format(Locale.ROOT, "%-8s %-30s %12.0f jobs/s%s",
                    result.key("system"), "fire-and-forget " + result.key("msg_bytes") + " B",
                    result.value("jobs_per_s"), null == result.text("ratio_vs_redis") ? "" :
                    "   ratio_vs_redis=" + result.text("ratio_vs_redis")) + callRounds(result, "jobs_per_s", null));
            }
        }

        out.println();
    }

    /**
     * The targets against raw Aeron at one size (issue 8), on the whole windows or on one state of the CPU link.
     */
    private void aeronTargets(final List<String> lines, final int size, final String link)
    {
        final double floor = 0.95;
        final double fanFloor = 0.9;
        final String where = null == link ? "" : " (link " + link + ", " + linkRoundTrip(link) + ")";
        final double aeron = results.value(
            "msgs_per_s", keys(link, "bench", "throughput", "system", AeronSuite.SYSTEM, "msg_bytes", "" + size));
        for (final String stream : STREAMS)
        {
            final double clustr = results.value("msgs_per_s",
                keys(link, "bench", "throughput", "stream", stream, "system", "clustr", "msg_bytes", "" + size));
            lines.add(check("throughput " + stream + " " + size + " B >= " + floor + " x Aeron" + where,
                clustr / aeron, floor, true));
        }

        final double fanAeron = results.value(
            "msgs_per_s", keys(link, "bench", "fanout", "system", AeronSuite.SYSTEM, "msg_bytes", "" + size));
        final double fanClustr = results.value(
            "msgs_per_s", keys(link, "bench", "fanout", "system", "clustr", "msg_bytes", "" + size));
        lines.add(check("fan-out 1->" + ctx.fanout + " " + size + " B >= " + fanFloor + " x Aeron" + where,
            fanClustr / fanAeron, fanFloor, true));

        for (final String idle : ctx.rttIdles)
        {
            final Result clustr = results.find(
                keys(link, "bench", "rtt", "system", "clustr", "idle", idle, "msg_bytes", "" + size));
            final Result raw = results.find(
                keys(link, "bench", "rtt", "system", AeronSuite.SYSTEM, "idle", idle, "msg_bytes", "" + size));
            if (null != clustr && null != raw)
            {
                lines.add(check("rtt p50 " + idle + " " + size + " B <= 1.1 x Aeron" + where,
                    clustr.value("p50_us") / raw.value("p50_us"), 1.1, false));
                lines.add(check("rtt p99 " + idle + " " + size + " B <= 1.2 x Aeron" + where,
                    clustr.value("p99_us") / raw.value("p99_us"), 1.2, false));
            }
        }
    }

    private void callTargets(final List<String> lines)
    {
        final String w = "" + CallsSuite.WORKERS;
        final String c = "" + CallsSuite.CALLERS;
        final double clustr = results.value("calls_per_s",
            "bench", "call", "system", "clustr", "workers", w, "callers", c, "msg_bytes", "" + CallsSuite.MD5_BYTES);
        lines.add(check("call md5 " + CallsSuite.MD5_BYTES + " B, " + c + " callers >= 10 x NATS", clustr /
            results.value("calls_per_s", "bench", "call", "system", "nats", "workers", w, "callers", c), 10, true));
        lines.add(check("call md5 " + CallsSuite.MD5_BYTES + " B, " + c + " callers >= 5 x Redis lists", clustr /
            results.value("calls_per_s", "bench", "call", "system", "redis", "workers", w, "callers", c), 5, true));
        lines.add(check("call md5 >= 3 x luafan's published 45,000 calls/s", clustr / LUAFAN_CALLS_PER_S, 3, true));
        final double empty = results.value("calls_per_s",
            "bench", "call_empty", "system", "clustr", "workers", w, "callers", c);
        lines.add(check("call empty " + CallsSuite.EMPTY_BYTES + " B, " + c + " callers >= 20 x Redis lists", empty /
            results.value("calls_per_s", "bench", "call_empty", "system", "redis", "workers", w, "callers", c), 20,
            true));
        final Result rtt = results.find("bench", "call_rtt", "system", "clustr");
        lines.add(check(
            "call round trip p50, 1 caller, " + CallsSuite.EMPTY_BYTES + " B <= 3 x raw Aeron ping-pong p50",
            null == rtt ? Double.NaN : rtt.value("ratio_p50_vs_aeron"), 3, false));
        final Result job = results.find("bench", "job", "system", "clustr");
        lines.add(check("fire-and-forget jobs/s to " + w + " workers >= 20 x Redis lists",
            null == job ? Double.NaN : job.value("ratio_vs_redis"), 20, true));
    }

    private void startupAndIdle()
    {
        out.println("== Start-up, memory, idle cost ==");
        line("bare JVM start + exit (median)", results.value("median_ms", "bench", "jvm_start"), "ms");
        line("JVM start + Aeron connect + exit (median)",
            results.value("median_ms", "bench", "jvm_aeron_connect"), "ms");
        final String spawnMedian = "(median of " + ctx.spawnReps + ", after " + ctx.spawnWarmups + " warm-up)";
        line("clustr first spawn, 1 worker -> ready (warm-up)",
            results.value("first_ms", "bench", "spawn_warmup", "system", "clustr"), "ms");
        spawnLine("clustr spawn 1 worker -> ready " + spawnMedian, "1");
        spawnLine("clustr spawn 8 workers -> all ready " + spawnMedian, "8");
        line("idle RSS, bare JVM", results.value("rss_mib", "bench", "idle_rss", "system", "jvm"), "MiB");
        line("idle RSS, raw Aeron client",
            results.value("rss_mib", "bench", "idle_rss", "system", AeronSuite.SYSTEM, "role", "client"), "MiB");
        final Result worker = results.find("bench", "idle_rss", "system", "clustr", "role", "worker");
        if (null != worker)
        {
            out.println(String.format(Locale.ROOT, "%-68s %10.1f MiB (VmRSS of each: %s)",
                "idle RSS, clustr worker (largest of " + (int)worker.value("workers") + ")", worker.value("rss_mib"),
                worker.text("workers_rss_mib")));
        }

        line("idle CPU, raw Aeron driver + " + ctx.fanout + " clients",
            results.value("cpu_pct_of_core", "bench", "idle_cpu", "system", AeronSuite.SYSTEM), "% of one core");
        line("idle CPU, clustr master + " + ctx.fanout + " workers",
            results.value("cpu_pct_of_core", "bench", "idle_cpu", "system", "clustr"), "% of one core");
        out.println();
    }

    private void line(final String label, final double value, final String unit)
    {
        if (!Double.isNaN(value))
        {
            out.println(String.format(Locale.ROOT, "%-68s %10.1f %s", label, value, unit));
        }
    }

    private void spawnLine(final String label, final String workers)
    {
        final Result spawn = results.find("bench", "spawn", "system", "clustr", "workers", workers);
        if (null != spawn)
        {
            out.println(String.format(Locale.ROOT, "%-68s %10.1f ms (each rep: %s)",
                label, spawn.value("median_ms"), spawn.text("runs_ms")));
        }
    }

    private void targets()
    {
        if (null == results.find("system", "clustr"))
        {
            out.println("== Targets: no clustr results in this run ==");
            return;
        }

        out.println("== Targets (data path: the data-path issue 8; Redis/Node and idle CPU: the clustr-bench issue; " +
            "spawn and memory: issue 7) ==");
        final List<String> lines = new ArrayList<>();
        for (final int size : ctx.sizes)
        {
            aeronTargets(lines, size, null);
            for (final String link : new String[]{LinkSplit.NEAR, LinkSplit.FAR})
            {
                if (null != results.find("link", link))
                {
                    aeronTargets(lines, size, link);
                }
            }

            double worst = Double.MAX_VALUE;
            for (final String stream : STREAMS)
            {
                worst = Math.min(worst, results.value("msgs_per_s",
                    "bench", "throughput", "stream", stream, "system", "clustr", "msg_bytes", "" + size));
            }

            lines.add(check("throughput (slowest stream) " + size + " B >= 20 x Redis", worst / results.value(
                "msgs_per_s", "bench", "throughput", "system", RedisSuite.SYSTEM, "msg_bytes", "" + size), 20, true));
            lines.add(check("throughput (slowest stream) " + size + " B >= 20 x Node", worst / results.value(
                "msgs_per_s", "bench", "throughput", "system", NodeSuite.SYSTEM, "msg_bytes", "" + size), 20, true));

            final Result clustrRtt = results.find(
                "bench", "rtt", "system", "clustr", "idle", ctx.idle, "msg_bytes", "" + size);
            final double redisP50 = results.value(
                "p50_us", "bench", "rtt", "system", RedisSuite.SYSTEM, "msg_bytes", "" + size);
            if (null != clustrRtt)
            {
                lines.add(check("rtt p50 " + size + " B at least 20 x lower than Redis",
                    redisP50 / clustrRtt.value("p50_us"), 20, true));
            }
        }

        final double spawn1 = results.value("median_ms", "bench", "spawn", "system", "clustr", "workers", "1");
        final double spawn8 = results.value("median_ms", "bench", "spawn", "system", "clustr", "workers", "8");
        final String reps = " (median of " + ctx.spawnReps + " after " + ctx.spawnWarmups + " warm-up spawn)";
        lines.add(checkBelow("spawn 1 worker -> ready < 180 ms" + reps, spawn1, 180));
        lines.add(checkBelow("spawn 8 workers -> all ready < 1000 ms" + reps, spawn8, 1000));
        lines.add(checkBelow("idle worker RSS < 40 MiB (VmRSS, largest idle worker)", results.value(
            "rss_mib", "bench", "idle_rss", "system", "clustr", "role", "worker"), 40));
        lines.add(check("idle cluster (master + " + ctx.fanout + " workers) < 5 % of one core", results.value(
            "cpu_pct_of_core", "bench", "idle_cpu", "system", "clustr"), 5, false));
        if (null != results.find("bench", "call") || null != results.find("bench", "call_empty"))
        {
            callTargets(lines);
        }

        lines.forEach(out::println);
        out.println();
    }

    private static String callRounds(final Result result, final String rate, final String latency)
    {
        if (result.rounds(rate).isEmpty())
        {
            return "";
        }

        final StringBuilder text = new StringBuilder("   rounds ").append(Result.list(result.rounds(rate), 0));
        if (null != latency && !result.rounds(latency).isEmpty())
        {
            text.append(" | ").append(Result.list(result.rounds(latency), 2));
        }

        return text.toString();
    }

    private String rounds()
    {
        return ctx.rounds + " interleaved round" + (1 == ctx.rounds ? "" : "s");
    }

    private static String checkBelow(final String what, final double value, final double limit)
    {
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            return String.format(Locale.ROOT, "[n/a   ] %s", what);
        }

        return String.format(Locale.ROOT, "[%-6s] %s: %.1f", value < limit ? "met" : "MISSED", what, value);
    }

    private static String check(final String what, final double value, final double limit, final boolean atLeast)
    {
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            return String.format(Locale.ROOT, "[n/a   ] %s", what);
        }

        final boolean met = atLeast ? value >= limit : value <= limit;
        return String.format(Locale.ROOT, "[%-6s] %s: %.3f", met ? "met" : "MISSED", what, value);
    }

    private static String millions(final double rate)
    {
        return Double.isNaN(rate) ? "-" : String.format(Locale.ROOT, "%.3f", rate / 1e6);
    }

    private static String ratio(final double value, final double baseline)
    {
        return Double.isNaN(value) || Double.isNaN(baseline) || baseline <= 0 ?
            "-" : String.format(Locale.ROOT, "%.3f", value / baseline);
    }
}
