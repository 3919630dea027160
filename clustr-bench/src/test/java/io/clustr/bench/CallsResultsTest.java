package io.clustr.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RESULT lines of the call workloads as the issue spells them, and the ratios {@link Ratios} adds once a clustr
 * line is among them.
 */
class CallsResultsTest
{
    private static Map<String, String> call(final long calls, final long p50Ns, final long p99Ns)
    {
        return Map.of("calls", Long.toString(calls), "ns", "1000000000",
            "p50_ns", Long.toString(p50Ns), "p90_ns", Long.toString(p50Ns), "p99_ns", Long.toString(p99Ns),
            "p999_ns", Long.toString(p99Ns), "max_ns", Long.toString(p99Ns));
    }

    private static BenchContext context()
    {
        final BenchContext ctx = new BenchContext();
        ctx.results = new Results(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        return ctx;
    }

    @Test
    void shouldPrintTheCallLineAsTheIssueSpellsIt()
    {
        final Result nats = CallsSuite.callResult("call", "nats", 3, 20, 3072, call(16_000, 1_250_000, 3_500_000));

        assertTrue(nats.toLine().startsWith("RESULT bench=call stream=- system=nats workers=3 callers=20 " +
            "msg_bytes=3072 calls_per_s=16000 p50_us=1250.00 p99_us=3500.00 "), nats.toLine());
        assertTrue(CallsSuite.jobResult("redis", 32, Map.of("jobs", "50000", "ns", "2000000000")).toLine()
            .startsWith("RESULT bench=job stream=- system=redis workers=3 msg_bytes=32 jobs_per_s=25000 "));
    }

    @Test
    void shouldAddClustrsRatiosToNatsRedisAndAeron()
    {
        final BenchContext ctx = context();
        final Results results = ctx.results;
        results.add(new Result("rtt", "ipc", "aeron").key("idle", "progressive").key("msg_bytes", 32)
            .value("p50_us", 2.0, 2).value("p99_us", 5.0, 2));
        results.add(CallsSuite.callResult("call", "nats", 3, 20, 3072, call(16_000, 1_000_000, 2_000_000)));
        results.add(CallsSuite.callResult("call", "redis", 3, 20, 3072, call(32_000, 500_000, 1_000_000)));
        results.add(CallsSuite.callResult("call", "clustr", 3, 20, 3072, call(320_000, 50_000, 100_000)));
        results.add(CallsSuite.callResult("call_rtt", "clustr", 1, 1, 32, call(100_000, 5_000, 9_000)));
        results.add(CallsSuite.callResult("call_rtt", "nats", 1, 1, 32, call(10_000, 50_000, 90_000)));
        results.add(CallsSuite.jobResult("redis", 32, Map.of("jobs", "40000", "ns", "1000000000")));
        results.add(CallsSuite.jobResult("clustr", 32, Map.of("jobs", "2000000", "ns", "1000000000")));

        Ratios.add(ctx);

        final Result clustr = results.find("bench", "call", "system", "clustr");
        assertEquals(20.0, clustr.value("ratio_vs_nats"), 1e-9);
        assertEquals(10.0, clustr.value("ratio_vs_redis"), 1e-9);
        assertTrue(clustr.toLine().endsWith("ratio_vs_nats=20.000 ratio_vs_redis=10.000"), clustr.toLine());
        assertNull(results.find("bench", "call", "system", "nats").text("ratio_vs_redis"));
        assertEquals(2.5, results.find("bench", "call_rtt", "system", "clustr").value("ratio_p50_vs_aeron"), 1e-9);
        assertEquals(25.0, results.find("bench", "call_rtt", "system", "nats").value("ratio_p50_vs_aeron"), 1e-9);
        assertEquals(50.0, results.find("bench", "job", "system", "clustr").value("ratio_vs_redis"), 1e-9);

        final ByteArrayOutputStream summary = new ByteArrayOutputStream();
        new Summary(ctx, new PrintStream(summary, true, StandardCharsets.UTF_8)).print();
        final String text = summary.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("[met   ] call md5 3072 B, 20 callers >= 10 x NATS: 20.000"), text);
        assertTrue(text.contains("[met   ] call md5 3072 B, 20 callers >= 5 x Redis lists: 10.000"), text);
        assertTrue(text.contains("[met   ] call round trip p50, 1 caller, 32 B <= 3 x raw Aeron ping-pong p50: 2.500"),
            text);
        assertTrue(text.contains("[n/a   ] call empty 32 B, 20 callers >= 20 x Redis lists"), text);
        assertTrue(text.contains("[met   ] fire-and-forget jobs/s to 3 workers >= 20 x Redis lists: 50.000"), text);
    }

    @Test
    void shouldAddNoPeerRatioWithoutClustr()
    {
        final BenchContext ctx = context();
        ctx.results.add(CallsSuite.callResult("call", "nats", 3, 20, 3072, call(16_000, 1_000_000, 2_000_000)));
        ctx.results.add(CallsSuite.callResult("call", "redis", 3, 20, 3072, call(32_000, 500_000, 1_000_000)));

        Ratios.add(ctx);

        for (final Result result : ctx.results.all())
        {
            assertFalse(result.toLine().contains("ratio_vs_"), result.toLine());
        }
    }

    @Test
    void shouldGiveTheRoundTripItsOneWorker()
    {
        assertTrue(CallsSuite.callResult("call_rtt", "redis", CallsSuite.RTT_WORKERS, 1, 32, call(1_000, 500_000,
            900_000)).toLine().startsWith("RESULT bench=call_rtt stream=- system=redis workers=1 callers=1 "));
    }

    @Test
    void shouldReportTheMedianOfTheCallsRoundsWithEveryRoundAndItsRatios()
    {
        final BenchContext ctx = context();
        ctx.callsRounds = 3;
        ctx.callsWarmupMs = 10_000;
        ctx.results.add(new Result("rtt", "ipc", "aeron").key("idle", "progressive").key("msg_bytes", 32)
            .value("p50_us", 2.0, 2).value("p99_us", 5.0, 2));
        final long[] nats = {10_000, 16_000, 12_000};
        final long[] clustr = {100_000, 320_000, 240_000};
        final long[] rttNs = {4_000, 8_000, 6_000};
        final List<Results> rounds = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            final Results round = new Results(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
            round.add(CallsSuite.callResult("call", "nats", 3, 20, 3072, call(nats[i], 1_000_000, 2_000_000)));
            round.add(CallsSuite.callResult("call", "clustr", 3, 20, 3072, call(clustr[i], 50_000, 100_000)));
            round.add(CallsSuite.callResult("call_rtt", "clustr", 1, 1, 32, call(1_000, rttNs[i], 9_000)));
            round.add(CallsSuite.jobResult("redis", 32, Map.of("jobs", Long.toString(10_000 * (i + 1)), "ns",
                "1000000000")));
            round.add(CallsSuite.jobResult("clustr", 32, Map.of("jobs", "1000000", "ns", "1000000000")));
            rounds.add(round);
        }
        ctx.results.addMedianOf(rounds);

        Ratios.add(ctx);

        final Result call = ctx.results.find("bench", "call", "system", "clustr");
        assertEquals(240_000.0, call.value("calls_per_s"), 1e-9);
        assertEquals("100000,320000,240000", call.text("rounds_calls_per_s"));
        assertEquals("3", call.text("rounds"));
        assertEquals(20.0, call.value("ratio_vs_nats"), 1e-9);
        assertEquals("10.000,20.000,20.000", call.text("rounds_ratio_vs_nats"));
        assertNull(call.text("ratio_vs_redis"));
        final Result rtt = ctx.results.find("bench", "call_rtt", "system", "clustr");
        assertEquals("1", rtt.key("workers"));
        assertEquals("4.00,8.00,6.00", rtt.text("rounds_p50_us"));
        assertEquals(3.0, rtt.value("ratio_p50_vs_aeron"), 1e-9);
        assertEquals("2.000,4.000,3.000", rtt.text("rounds_ratio_p50_vs_aeron"));
        final Result job = ctx.results.find("bench", "job", "system", "clustr");
        assertEquals("1000000,1000000,1000000", job.text("rounds_jobs_per_s"));
        assertEquals(50.0, job.value("ratio_vs_redis"), 1e-9);
        assertEquals("100.000,50.000,33.333", job.text("rounds_ratio_vs_redis"));

        final ByteArrayOutputStream summary = new ByteArrayOutputStream();
        new Summary(ctx, new PrintStream(summary, true, StandardCharsets.UTF_8)).print();
        final String text = summary.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("median of 3 interleaved rounds after a 10000 ms warm-up each"), text);
        assertTrue(text.contains("rounds 100000,320000,240000 | 50.00,50.00,50.00"), text);
        assertTrue(text.contains("empty 32 B, 1w, 1 caller"), text);
    }
}
