package io.clustr.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinkSplitTest
{
    private final ByteArrayOutputStream info = new ByteArrayOutputStream();
    private final PrintStream infoStream = new PrintStream(info, true, StandardCharsets.UTF_8);

    @Test
    void shouldSplitThroughputIntervalsByTheStateOfTheProbesOnBothSides()
    {
        // Intervals 0-3 between near probes (60 ns), 4 straddles, 5-8 between far probes (340 ns), 9 after a
        // probe the helper missed (-1).
        final long[] probes = {60, 62, 58, 61, 60, 340, 350, 330, 345, 340, -1};
        final long[] msgs = {2000, 2000, 2000, 2000, 1500, 1000, 1000, 1000, 1000, 999};
        final Result result = throughput("aeron", probes, msgs);
        final Results round = new Results(infoStream);
        round.add(result);

        final double[] roundTrips = LinkSplit.apply(List.of(round), infoStream);

        assertNotNull(roundTrips);
        assertEquals(60, roundTrips[0], 2, "the near state's round trip, for the summary");
        assertEquals(340, roundTrips[1], 10, "the far state's round trip, for the summary");
        final Result near = round.find("bench", "throughput", "system", "aeron", "link", LinkSplit.NEAR);
        final Result far = round.find("bench", "throughput", "system", "aeron", "link", LinkSplit.FAR);
        assertNotNull(near);
        assertNotNull(far);
        assertEquals(2000 * 1e9 / 100_000_000, near.value("msgs_per_s"), 1e-6);
        assertEquals(1000 * 1e9 / 100_000_000, far.value("msgs_per_s"), 1e-6);
        assertEquals(4, near.value("intervals"));
        assertEquals(4, far.value("intervals"));
        assertTrue(info.toString(StandardCharsets.UTF_8).contains("INFO link=two-state"), info.toString());
        assertEquals(result, round.find("bench", "throughput", "system", "aeron"),
            "a lookup without link finds the whole-window result");
    }

    @Test
    void shouldSplitNothingWhenTheLinkIsSteady()
    {
        final long[] probes = {60, 62, 58, 61, 60, 64, 59, 61, 60, 66, 63};
        final Results round = new Results(infoStream);
        round.add(throughput("aeron", probes, new long[10]));

        assertNull(LinkSplit.apply(List.of(round), infoStream), "no states to quote");
        assertNull(round.find("link", LinkSplit.NEAR));
        assertNull(round.find("link", LinkSplit.FAR));
        assertTrue(info.toString(StandardCharsets.UTF_8).contains("INFO link=steady"), info.toString());
    }

    @Test
    void shouldGiveARoundNoFigureForAStateItSpentFewerThanThreeIntervalsIn()
    {
        final long[] probes = {60, 62, 58, 61, 60, 64, 340, 350, 59, 61, 60};
        final Results round = new Results(infoStream);
        round.add(throughput("aeron", probes, new long[]{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}));

        LinkSplit.apply(List.of(round), infoStream);

        assertNotNull(round.find("link", LinkSplit.NEAR));
        assertNull(round.find("link", LinkSplit.FAR), "one far interval is not a figure");
    }

    @Test
    void shouldLeaveOutProbesFarSlowerThanTheFarState()
    {
        final LinkSplit split = LinkSplit.of(logs(60, 61, 59, 62, 340, 350, 330, 345));
        assertNotNull(split);
        assertEquals(LinkSplit.NEAR, split.state(60));
        assertEquals(LinkSplit.FAR, split.state(400));
        assertNull(split.state(20_000), "a probe the helper was preempted in");
        assertNull(split.state(-1));
    }

    @Test
    void shouldNotTakeAFewSlowProbesForASecondState()
    {
        final long[] probes = new long[101];
        for (int i = 0; i < probes.length; i++)
        {
            probes[i] = 640 + (i % 7) * 10;
        }
        probes[70] = 3137;
        final List<Double> logs = logs(probes);

        assertNull(LinkSplit.of(logs), "one probe the helper was preempted in is not a state of the link");

        for (int i = 0; i < 40; i++)
        {
            probes[i] = 60 + (i % 5);
        }
        final LinkSplit split = LinkSplit.of(logs(probes));
        assertNotNull(split, "40 fast probes and 60 slow ones are two states");
        assertEquals(LinkSplit.NEAR, split.state(62));
        assertEquals(LinkSplit.FAR, split.state(650));
    }

    @Test
    void shouldMergeTheRoundTripHistogramsOfAState()
    {
        final long[] probes = {60, 61, 59, 62, 340, 350, 330, 345};
        final List<String> hists = new ArrayList<>();
        for (int i = 0; i < probes.length - 1; i++)
        {
            final Histogram h = new Histogram(60_000_000_000L, 3);
            final boolean near = probes[i] < 100 && probes[i + 1] < 100;
            h.recordValueWithCount(near ? 200 : 600, 1000);
            hists.add(encode(h));
        }
        final Map<String, String> line = new HashMap<>();
        line.put("probes", join(probes));
        line.put("interval_hists", String.join(",", hists));
        final Result result = new Result("rtt", "ipc", "aeron").key("idle", "yield").key("msg_bytes", "32")
            .value("p50_us", 0.4, 2).linkLines(List.of(line));
        final Results round = new Results(infoStream);
        round.add(result);

        LinkSplit.apply(List.of(round), infoStream);

        final Result near = round.find("bench", "rtt", "link", LinkSplit.NEAR);
        final Result far = round.find("bench", "rtt", "link", LinkSplit.FAR);
        assertEquals(0.2, near.value("p50_us"), 0.001);
        assertEquals(3000, near.value("count"));
        assertEquals(0.6, far.value("p50_us"), 0.001);
        assertEquals(3000, far.value("count"));
    }

    private static Result throughput(final String system, final long[] probes, final long[] msgs)
    {
        final Map<String, String> line = new HashMap<>();
        line.put("probes", join(probes));
        final StringBuilder intervals = new StringBuilder();
        for (final long m : msgs)
        {
            intervals.append(intervals.length() > 0 ? "," : "").append(m).append(":100000000");
        }
        line.put("interval_msgs", intervals.toString());

        return Result.throughput("throughput", "ipc", system, 32, 1, List.of(1.0)).linkLines(List.of(line));
    }

    private static List<Double> logs(final long... probes)
    {
        final List<Double> logs = new ArrayList<>();
        Arrays.stream(probes).forEach((p) -> logs.add(Math.log(p)));
        return logs;
    }

    private static String join(final long[] values)
    {
        final StringBuilder text = new StringBuilder();
        for (final long value : values)
        {
            text.append(text.length() > 0 ? "," : "").append(value);
        }
        return text.toString();
    }

    private static String encode(final Histogram h)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        final int length = h.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }
}
