package io.clustr.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultTest
{
    private static Result rtt(final double p50, final double p99)
    {
        return new Result("rtt", "ipc", "aeron").key("msg_bytes", 32)
            .value("p50_us", p50, 2)
            .value("p99_us", p99, 2);
    }

    @Test
    void shouldTakeTheMedianOfEachFigureOnItsOwnAndListEveryRound()
    {
        final Result median = Result.medianOf(List.of(rtt(0.21, 90), rtt(0.60, 30), rtt(0.30, 120)));

        assertEquals(0.30, median.value("p50_us"));
        assertEquals(90, median.value("p99_us"));
        assertEquals(3, median.value("rounds"));
        assertEquals(List.of(0.21, 0.60, 0.30), median.rounds("p50_us"));
        assertEquals("RESULT bench=rtt stream=ipc system=aeron msg_bytes=32 p50_us=0.30 p99_us=90.00 rounds=3 " +
            "rounds_p50_us=0.21,0.60,0.30 rounds_p99_us=90.00,30.00,120.00", median.toLine());
    }

    @Test
    void shouldAverageTheTwoMiddleRoundsOfAnEvenNumber()
    {
        assertEquals(2.5, Result.median(List.of(4.0, 1.0, 3.0, 2.0)));
        assertTrue(Double.isNaN(Result.median(List.of())));
    }

    @Test
    void shouldListTheRatioOfEachRoundToTheSameRoundOfTheBaseline()
    {
        final Result clustr = Result.medianOf(List.of(
            new Result("throughput", "public", "clustr").value("msgs_per_s", 8, 0),
            new Result("throughput", "public", "clustr").value("msgs_per_s", 18, 0)));

        clustr.roundRatios("ratio_vs_aeron", clustr.rounds("msgs_per_s"), List.of(10.0, 20.0));

        assertTrue(clustr.toLine().endsWith("rounds_msgs_per_s=8,18 rounds_ratio_vs_aeron=0.800,0.900"),
            clustr.toLine());
    }
}
