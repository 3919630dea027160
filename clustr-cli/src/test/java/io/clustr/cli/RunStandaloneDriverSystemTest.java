package io.clustr.cli;

import io.clustr.driver.ClustrMediaDriver;
import io.clustr.system.TestWorker;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code clustr run FILE} with {@code driver = standalone}: the cluster attaches to a clustr media driver that runs as
 * its own process (as an operator starts one), its workers come up on that driver, SIGTERM stops every worker, and
 * the driver, which is not the run's, keeps running until it is stopped itself; then its directory is gone.
 */
@InterruptAfter(120)
class RunStandaloneDriverSystemTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern STARTED = Pattern.compile(" clustr run: (\\w+)#(\\d+) \\(pid (\\d+)\\) started");

    @TempDir
    Path temp;

    private final List<String> runLines = new CopyOnWriteArrayList<>();
    private final List<String> driverLines = new CopyOnWriteArrayList<>();
    private final Path driverDir = Path.of("/dev/shm",
        "clustr-test-standalone-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    private Process driver;
    private Process run;

    @AfterEach
    void stopEverything() throws InterruptedException
    {
        for (final Process process : new Process[]{ run, driver })
        {
            if (null != process && process.isAlive())
            {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        }
        IoUtil.delete(driverDir.toFile(), true);
    }

    @Test
    void runsItsWorkersOnARunningDriverAndLeavesTheDriverRunning() throws Exception
    {
        driver = java(driverLines, "-Daeron.dir=" + driverDir, ClustrMediaDriver.class.getName());
        await(driverLines, "clustr media driver running: dir=" + driverDir);

        final Path file = temp.resolve("standalone.properties");
        Files.write(file, List.of(
            "# two workers on a driver the operator runs",
            "driver = standalone",
            "dir = " + driverDir,
            "kill.grace = 3s",
            "worker.web.main = " + TestWorker.class.getName(),
            "worker.web.count = 2",
            "worker.web.args = web ready",
            "worker.web.ready = ready"), StandardCharsets.UTF_8);
        run = java(runLines, null, ClustrCommand.class.getName(), "run", file.toString());
        await(runLines, "cluster ready: 2 workers");

        final List<Long> pids = workerPids();
        assertEquals(2, pids.size(), runLines::toString);
        final String ls = inProcess("ls", "--sample", "0", "--dir", driverDir.toString());
        assertEquals(2, ls.lines().filter((l) -> l.contains(" web ")).count(), ls);

        run.destroy();  // SIGTERM
        assertTrue(run.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "clustr run exits on SIGTERM: " + runLines);
        for (final long pid : pids)
        {
            Tests.await(() -> ProcessHandle.of(pid).map((p) -> !p.isAlive()).orElse(true), Duration.ofSeconds(10),
                () -> "worker " + pid + " gone");
        }
        assertTrue(driver.isAlive(), "the standalone driver is not the run's to stop: " + driverLines);
        assertTrue(Files.exists(driverDir.resolve("cnc.dat")), "the driver's directory stays while it runs");

        driver.destroy();  // SIGTERM
        assertTrue(driver.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "driver exits on SIGTERM: " + driverLines);
        // a JVM stopped by SIGTERM exits with 128 + 15 once its shutdown hooks (the driver's close) have run
        assertTrue(0 == driver.exitValue() || 143 == driver.exitValue(), driver.exitValue() + ": " + driverLines);
        Tests.await(() -> !Files.exists(driverDir.resolve("cnc.dat")), Duration.ofSeconds(10),
            () -> "the driver's files removed when it stopped: " + driverDir);
    }

    private static Process java(final List<String> lines, final String property, final String... mainAndArgs)
        throws IOException
    {
        final Path addOpens = Path.of("..", "config", "jvm", "add-opens.args").toAbsolutePath().normalize();
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "@" + addOpens, "-XX:+UseSerialGC"));
        if (null != property)
        {
            command.add(property);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(List.of(mainAndArgs));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = in.readLine()))
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignore)
            {
                // the process has gone
            }
        }, "clustr-test-output");
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    private static void await(final List<String> lines, final String text)
    {
        Tests.await(() -> lines.stream().anyMatch((l) -> l.contains(text)), TIMEOUT,
            () -> "'" + text + "' in: " + lines);
    }

    private List<Long> workerPids()
    {
        final List<Long> pids = new ArrayList<>();
        for (final String line : runLines)
        {
            final Matcher matcher = STARTED.matcher(line);
            if (matcher.find())
            {
                pids.add(Long.parseLong(matcher.group(3)));
            }
        }
        return pids;
    }

    private static String inProcess(final String... args)
    {
        final StringWriter out = new StringWriter();
        final CommandLine commandLine = ClustrCommand.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(out));
        final int code = commandLine.execute(args);
        assertEquals(0, code, out::toString);
        return out.toString();
    }
}
