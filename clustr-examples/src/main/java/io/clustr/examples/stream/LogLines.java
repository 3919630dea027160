package io.clustr.examples.stream;

import io.clustr.Master;
import io.clustr.patterns.stream.StreamManager;
import io.clustr.spawn.Spec;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * forkfriend's own example: a log file read line by line, each line processed by one of 4 workers
 * ({@link LogLineWorker}), each result written to an output file, which then has exactly as many lines as the input
 * (in completion order, not input order). Without arguments it makes a sample log of 100,000 lines in a temporary
 * directory and deletes it afterwards. Exits with 0 if the line counts match, 1 otherwise.
 * <pre>
 * ./example log-lines [input output [workers]]
 * </pre>
 */
public final class LogLines
{
    /**
     * The stream's name, shared by the manager and its workers.
     */
    public static final String STREAM = "log-lines";

    private LogLines()
    {
    }

    /**
     * Run the example.
     *
     * @param args nothing (a sample log), or the input and output files and optionally the number of workers.
     * @throws Exception if the files cannot be read or written, or the workers do not start.
     */
    public static void main(final String[] args) throws Exception
    {
        if (1 == args.length || args.length > 3)
        {
            System.err.println("usage: ./example log-lines [input output [workers]]");
            System.exit(2);
        }

        final Path sampleDir = 0 == args.length ? Files.createTempDirectory("clustr-log-lines") : null;
        boolean isComplete = false;
        try
        {
            final Path input = null != sampleDir ? sampleDir.resolve("input.log") : Path.of(args[0]);
            final Path output = null != sampleDir ? sampleDir.resolve("output.log") : Path.of(args[1]);
            final int workers = 3 == args.length ? Integer.parseInt(args[2]) : 4;
            if (null != sampleDir)
            {
                writeSample(input, 100_000);
            }
            isComplete = run(input, output, workers);
        }
        finally
        {
            if (null != sampleDir)
            {
                deleteTree(sampleDir);
            }
        }
        System.exit(isComplete ? 0 : 1);
    }

    private static boolean run(final Path input, final Path output, final int workers) throws Exception
    {
        try (Master master = Master.create();
            BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8);
            BufferedWriter writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8))
        {
            log("media driver in " + master.aeronDirectoryName());
            final AtomicLong written = new AtomicLong();
            // tag::stream[]
            final StreamManager lines = StreamManager.launch(master, new StreamManager.Context()
                .name(STREAM)
                .window(64)
                .resultHandler((sequence, buffer, offset, length) ->
                {
                    try
                    {
                        writer.write(buffer.getStringWithoutLengthUtf8(offset, length));
                        writer.newLine();
                        written.incrementAndGet();
                    }
                    catch (final IOException ex)
                    {
                        throw new UncheckedIOException(ex);
                    }
                })
                .dropHandler((sequence, message, reason, detail) ->
                    log("dropped line " + (sequence + 1) + " (" + reason + "): " + detail)));

            final List<Spec> specs = new ArrayList<>();
            for (int i = 0; i < workers; i++)
            {
                specs.add(Spec.spec(LogLineWorker.class.getName()));
            }
            master.spawn(specs);
            awaitWorkers(lines, workers);

            final long startNs = System.nanoTime();
            long read = 0;
            String line;
            while (null != (line = reader.readLine()))
            {
                lines.write(line); // waits while all 4 workers are backed up
                read++;
            }
            if (!lines.awaitIdle(Duration.ofSeconds(60)))
            {
                log("not done after 60 s: " + lines);
            }
            final long elapsedNs = System.nanoTime() - startNs;
            // end::stream[]
            lines.close();
            writer.flush();

            log(String.format("read %,d lines, wrote %,d lines to %s with %d workers in %,d ms (%,d lines/s), " +
                "%d dropped, %d re-sent, producer paused %,d times", read, written.get(), output, workers,
                TimeUnit.NANOSECONDS.toMillis(elapsedNs), read * TimeUnit.SECONDS.toNanos(1) / Math.max(1, elapsedNs),
                lines.dropped(), lines.resent(), lines.pauses()));

            return read == written.get();
        }
    }

    private static void awaitWorkers(final StreamManager lines, final int workers) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lines.workers() < workers)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException(
                    "only " + lines.workers() + " of " + workers + " workers up after 60 s");
            }
            Thread.sleep(5);
        }
        log(workers + " workers up");
    }

    /**
     * Write a sample log.
     *
     * @param file  to write.
     * @param count lines.
     * @throws IOException if it cannot be written.
     */
    public static void writeSample(final Path file, final int count) throws IOException
    {
        final String[] levels = {"INFO", "DEBUG", "WARN", "ERROR"};
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            for (int i = 0; i < count; i++)
            {
                writer.write(String.format("2024-05-01T12:%02d:%02d.%03dZ %s request %d from 10.0.%d.%d took %d ms",
                    i / 60_000 % 60, i / 1000 % 60, i % 1000, levels[i % levels.length], i, i % 256, (i * 7) % 256,
                    i % 97));
                writer.newLine();
            }
        }
    }

    private static void deleteTree(final Path dir) throws IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void log(final String text)
    {
        System.out.println("[log-lines] " + text);
    }
}
