package io.clustr.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One short raw Aeron throughput measurement between real processes (driver, subscriber, publisher): checks that
 * a RESULT line with a positive rate comes out and that the driver directory is gone afterwards. No timing
 * assertion: any positive rate passes.
 */
class RawAeronSmokeTest
{
    private final Path shmDir = Paths.get("/dev/shm", "clustr-bench-test-" + ProcessHandle.current().pid());
    private final BenchContext ctx = new BenchContext();

    @AfterEach
    void deleteShmDir() throws IOException
    {
        ctx.closeProcesses();
        if (Files.exists(shmDir))
        {
            try (Stream<Path> paths = Files.walk(shmDir))
            {
                paths.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldProduceResultLineWithPositiveRate() throws IOException
    {
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final Result result = runThroughput(captured, false);

        assertTrue(result.value("msgs_per_s") > 0, result.toLine());
        assertTrue(result.linkLines().isEmpty(), "no link probes asked for");
        assertTrue(captured.toString(StandardCharsets.UTF_8).startsWith("RESULT bench=throughput"));
        assertFalse(Files.exists(shmDir.resolve("aeron-raw")), "driver directory left behind");
    }

    @Test
    @Timeout(60)
    void shouldCutTheWindowIntoIntervalsWithALinkProbeBetweenEachTwo() throws IOException
    {
        final Result result = runThroughput(new ByteArrayOutputStream(), true);

        assertEquals(1, result.linkLines().size(), result.toLine());
        final Map<String, String> line = result.linkLines().get(0);
        final long[] probes = LinkSplit.longs(line.get("probes"));
        final String[] intervals = line.get("interval_msgs").split(",");
        assertTrue(intervals.length >= 2, "a 300 ms window in intervals of 100 ms: " + line);
        assertEquals(intervals.length + 1, probes.length, line.toString());
        long msgs = 0;
        for (final String interval : intervals)
        {
            msgs += Long.parseLong(interval.substring(0, interval.indexOf(':')));
        }
        assertEquals(Long.parseLong(line.get("msgs")), msgs, "the intervals' messages are the window's");
    }

    private Result runThroughput(final ByteArrayOutputStream captured, final boolean linkProbe) throws IOException
    {
        ctx.sizes = new int[]{32};
        ctx.warmupMs = 100;
        ctx.durationMs = 300;
        ctx.termLength = 1024 * 1024;
        ctx.shmDir = shmDir;
        ctx.logDir = Paths.get("target", "smoke-logs");
        ctx.jvmOpts.add("-XX:+UseSerialGC");
        ctx.jvmOpts.add("-Xmx64m");
        ctx.results = new Results(new PrintStream(captured, true, StandardCharsets.UTF_8));
        ctx.progress = new PrintStream(OutputStream.nullOutputStream());
        Files.createDirectories(shmDir);

        ctx.linkProbe = linkProbe;
        new AeronSuite(ctx).runThroughputOnly();
        ctx.results.printAll();

        final Result result = ctx.results.find("bench", "throughput", "system", "aeron", "msg_bytes", "32");
        assertNotNull(result);
        return result;
    }
}
