package io.clustr.examples;

import io.clustr.examples.calls.CommanderMaster;
import io.clustr.examples.jobs.TitlesMaster;
import io.clustr.spawn.Supervisor;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the examples of the call and job patterns as {@code ./example commander} and {@code ./example titles} do:
 * the master JVM spawns its workers and exits by itself, leaving nothing behind and nothing in its driver's error
 * log.
 */
@InterruptAfter(180)
class PatternExamplesSystemTest
{
    private static final Pattern DRIVER_DIRECTORY = Pattern.compile("media driver in (\\S+)");

    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    @Test
    void shouldRunTheCommanderExample() throws Exception
    {
        final String log = run(CommanderMaster.class.getName());
        for (int i = 1; i <= 20; i++)
        {
            assertTrue(log.contains("test(" + i + ", " + (i + 1) + ") = true," + (2 * i + 1) + "," + (i * (i + 1))),
                "missing test(" + i + ") in:\n" + log);
        }
        assertTrue(log.contains("fail(x) failed: fail on worker "), log);
        assertTrue(log.contains("threw java.lang.IllegalArgumentException: test() needs two numbers, got 'x'"), log);
        assertTrue(log.contains("slow() failed (WORKER_LEFT): worker "), log);
        assertTrue(log.contains("after the death, test(2, 3) = true,5,6"), log);
        assertTrue(log.contains("[commander] done"), log);
    }

    @Test
    void shouldRunTheTitlesExample() throws Exception
    {
        final String log = run(TitlesMaster.class.getName());
        for (int i = 1; i <= 10; i++)
        {
            assertEquals(2, count(log, "Page " + i + " of 10 "), "page " + i + " fetched once per run:\n" + log);
        }
        final Matcher one = Pattern.compile("10 titles with 1 worker in (\\d+) ms\n").matcher(log);
        final Matcher four = Pattern.compile("10 titles with 4 workers in (\\d+) ms\n").matcher(log);
        assertTrue(one.find() && four.find(), log);
        final long oneMs = Long.parseLong(one.group(1));
        final long fourMs = Long.parseLong(four.group(1));
        // lower bounds by construction: 10 pages of 1 s one at a time; 3 rounds with 4 workers
        assertTrue(oneMs >= 10_000, log);
        assertTrue(fourMs >= 3_000 && fourMs < oneMs, log);
        assertTrue(log.contains("[titles] done"), log);
    }

    private String run(final String mainClass) throws IOException, InterruptedException
    {
        final Path output = Files.createTempFile("clustr-example", ".log");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Supervisor.Configuration.ADD_OPENS_JVM_ARGS);
        command.addAll(List.of("-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), mainClass));
        final Process example = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
        try
        {
            Tests.await(() -> DRIVER_DIRECTORY.matcher(read(output)).find() || !example.isAlive(),
                Duration.ofSeconds(60), () -> "the example's driver directory in:\n" + read(output));
            final Matcher started = DRIVER_DIRECTORY.matcher(read(output));
            assertTrue(started.find(), read(output));
            watcher.watch(started.group(1));

            assertTrue(example.waitFor(120, TimeUnit.SECONDS), "the example exits by itself:\n" + read(output));
            final String log = read(output);
            assertEquals(0, example.exitValue(), log);
            assertFalse(Files.exists(Path.of(started.group(1))), "driver directory left behind: " + started.group(1));
            return log;
        }
        finally
        {
            example.destroyForcibly();
            example.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(output);
        }
    }

    private static String read(final Path file)
    {
        try
        {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot read " + file, ex);
        }
    }

    private static int count(final String text, final String fragment)
    {
        int count = 0;
        for (int i = text.indexOf(fragment); i >= 0; i = text.indexOf(fragment, i + 1))
        {
            count++;
        }
        return count;
    }
}
