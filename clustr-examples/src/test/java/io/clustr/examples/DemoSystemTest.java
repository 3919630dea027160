package io.clustr.examples;

import io.clustr.examples.demo.DemoMaster;
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
 * Runs the demo cluster as a newcomer does with {@code ./demo}: a master JVM that spawns three worker JVMs, messages
 * them, kills one and exits by itself, leaving nothing behind and nothing in its driver's error log.
 */
@InterruptAfter(120)
class DemoSystemTest
{
    private static final Pattern DRIVER_DIRECTORY = Pattern.compile("media driver in (\\S+)");

    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    @Test
    void shouldRunTheDemoToTheEndAndLeaveNothingBehind() throws IOException, InterruptedException
    {
        final Path output = Files.createTempFile("clustr-demo", ".log");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Supervisor.Configuration.ADD_OPENS_JVM_ARGS);
        command.addAll(List.of("-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
            DemoMaster.class.getName()));
        final Process demo = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
        try
        {
            // the master prints its driver's directory once the driver runs: watch it from then on
            Tests.await(() -> DRIVER_DIRECTORY.matcher(read(output)).find() || !demo.isAlive(),
                Duration.ofSeconds(60), () -> "the demo's driver directory in:\n" + read(output));
            final Matcher started = DRIVER_DIRECTORY.matcher(read(output));
            assertTrue(started.find(), read(output));
            watcher.watch(started.group(1));

            assertTrue(demo.waitFor(90, TimeUnit.SECONDS), "the demo exits by itself");
            final String log = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(0, demo.exitValue(), log);

            for (final String expected : List.of(
                "3 workers confirmed ready",
                "public from 0: hello everyone",
                "group web from 0: hello web workers",
                "private from 0: hello cache, from the master",
                "cache answered user:42",
                "it exited with 42",
                "(respawned)",
                "[master] done"))
            {
                assertTrue(log.contains(expected), "missing '" + expected + "' in:\n" + log);
            }
            assertEquals(3, count(log, "public from 0: hello everyone"), log);
            assertEquals(2, count(log, "group web from 0: hello web workers"), log);

            assertFalse(Files.exists(Path.of(started.group(1))), "driver directory left behind: " + started.group(1));

            final Matcher pids = Pattern.compile("\\[\\w+#\\d+ (\\d+)\\]").matcher(log);
            while (pids.find())
            {
                final long pid = Long.parseLong(pids.group(1));
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    "worker " + pid + " outlived the demo");
            }
        }
        finally
        {
            demo.destroyForcibly();
            demo.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(output);
        }
    }

    private static String read(final Path file)
    {
        try
        {
            // the demo may be writing: a character cut in half is replaced, not an error
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
