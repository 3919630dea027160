package io.clustr.examples;

import io.clustr.examples.stream.LogLineWorker;
import io.clustr.examples.stream.LogLines;
import io.clustr.spawn.Supervisor;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs forkfriend's example as {@code ./example log-lines input output} does: a master JVM spawning 4 worker JVMs
 * streams a 100,000-line log through them; the output has exactly as many lines, each the worker's transform of one
 * input line (in completion order), and nothing is left behind.
 */
@InterruptAfter(180)
class LogLinesSystemTest
{
    private static final Pattern DRIVER_DIRECTORY = Pattern.compile("media driver in (\\S+)");
    private static final int LINES = 100_000;

    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    @TempDir
    Path dir;

    @Test
    void shouldWriteExactlyAsManyLinesAsItReadThroughFourWorkers() throws IOException, InterruptedException
    {
        final Path input = dir.resolve("input.log");
        final Path output = dir.resolve("output.log");
        final Path console = dir.resolve("console.txt");
        LogLines.writeSample(input, LINES);

        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Supervisor.Configuration.ADD_OPENS_JVM_ARGS);
        command.addAll(List.of("-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
            LogLines.class.getName(), input.toString(), output.toString()));
        final Process example = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(console.toFile())
            .start();
        try
        {
            Tests.await(() -> DRIVER_DIRECTORY.matcher(read(console)).find() || !example.isAlive(),
                Duration.ofSeconds(60), () -> "the example's driver directory in:\n" + read(console));
            final Matcher started = DRIVER_DIRECTORY.matcher(read(console));
            assertTrue(started.find(), read(console));
            watcher.watch(started.group(1));

            assertTrue(example.waitFor(150, TimeUnit.SECONDS), "the example exits by itself:\n" + read(console));
            final String log = read(console);
            assertEquals(0, example.exitValue(), log);
            assertTrue(log.contains("read 100,000 lines, wrote 100,000 lines"), log);
            assertTrue(log.contains("0 dropped"), log);

            final List<String> in = Files.readAllLines(input, StandardCharsets.UTF_8);
            final List<String> out = Files.readAllLines(output, StandardCharsets.UTF_8);
            assertEquals(LINES, in.size());
            assertEquals(LINES, out.size(), "exactly as many lines as the input");
            final List<String> expected = new ArrayList<>();
            for (final String line : in)
            {
                expected.add(LogLineWorker.transform(line));
            }
            Collections.sort(expected);
            final List<String> actual = new ArrayList<>(out);
            Collections.sort(actual);
            assertTrue(expected.equals(actual), "each input line's result exactly once");
            assertFalse(Files.exists(Path.of(started.group(1))), "driver directory left behind");
        }
        finally
        {
            example.destroyForcibly();
            example.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot read " + file, ex);
        }
    }
}
