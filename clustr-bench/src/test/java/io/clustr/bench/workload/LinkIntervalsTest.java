package io.clustr.bench.workload;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinkIntervalsTest
{
    @Test
    @Timeout(10)
    void shouldCutFiguresIntoPartsWithoutCuttingAFigure()
    {
        try (LinkProbe probe = new LinkProbe(-1))
        {
            final LinkIntervals intervals = new LinkIntervals(probe);
            intervals.begin();
            for (int i = 0; i < 10; i++)
            {
                intervals.next("figure" + i + "x".repeat(20));
            }

            final List<String> parts = intervals.figureParts(60);
            assertEquals(5, parts.size(), parts.toString());
            assertEquals(10, String.join(",", parts).split(",").length);
            parts.forEach((part) -> assertTrue(part.length() <= 60, part));
            assertEquals(11, intervals.probes().split(",").length, "a probe before and after every interval");
        }
    }

    @Test
    @Timeout(10)
    void shouldTimeTheLinkBetweenTwoCpus()
    {
        try (LinkProbe probe = new LinkProbe(-1))
        {
            final long ns = probe.roundTripNs();
            // On one CPU the helper cannot run beside the caller: unknown. On two, some positive round trip.
            assertTrue(ns > 0 || (ns == LinkProbe.UNKNOWN && Runtime.getRuntime().availableProcessors() < 2),
                "round trip " + ns);
        }
    }
}
