package io.clustr.cli;

import io.clustr.system.TestWorker;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
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
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code clustr run FILE} as its own JVM, as an operator starts it: its workers come up, SIGTERM stops every one
 * and removes the master's directory; {@code clustr reload} and {@code clustr scale} from the command line reach its
 * master through the driver, under a request/reply load that sees no failed call while every worker is replaced, each
 * replacement confirmed ready before the worker it replaces was asked to exit; {@code clustr startup} prints a unit
 * {@code systemd-analyze verify} accepts.
 */
@InterruptAfter(240)
class RunSystemTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern DRIVER_LINE = Pattern.compile("embedded driver in (\\S+);");
    private static final Pattern STARTED = Pattern.compile(" clustr run: (\\w+)#(\\d+) \\(pid (\\d+)\\) started");
    private static final Pattern LOAD = Pattern.compile("load ok=(\\d+) failed=(\\d+) first-failure=(.*)$");

    @TempDir
    Path temp;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private Process run;

    @AfterEach
    void stopRun() throws InterruptedException
    {
        if (null != run && run.isAlive())
        {
            run.destroyForcibly();
            run.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigtermStopsEveryWorkerAndRemovesTheDirectory() throws Exception
    {
        final Path file = write("cluster.properties",
            "# two groups, one confirmation each",
            "kill.grace = 3s",
            "worker.web.main = " + TestWorker.class.getName(),
            "worker.web.count = 2",
            "worker.web.args = web ready",
            "worker.web.ready = ready",
            "worker.cache.main = " + TestWorker.class.getName(),
            "worker.cache.args = cache ready",
            "worker.cache.respawn = always",
            "worker.cache.ready = ready",
            "worker.cache.env.COLOUR = blue");
        start(file);
        awaitLine("cluster ready: 3 workers");
        final Path driverDir = driverDirectory();
        final List<Long> pids = workerPids();
        assertEquals(3, pids.size(), lines::toString);
        for (final long pid : pids)
        {
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker " + pid);
        }
        // clustr ls sees them, in their groups
        final String ls = inProcess("ls", "--sample", "0", "--dir", driverDir.toString());
        assertEquals(2, ls.lines().filter((l) -> l.contains(" web ")).count(), ls);
        assertEquals(1, ls.lines().filter((l) -> l.contains(" cache ")).count(), ls);

        run.destroy();  // SIGTERM
        assertTrue(run.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "clustr run exits on SIGTERM");
        for (final long pid : pids)
        {
            Tests.await(() -> ProcessHandle.of(pid).map((p) -> !p.isAlive()).orElse(true), Duration.ofSeconds(10),
                () -> "worker " + pid + " gone");
        }
        assertFalse(Files.exists(driverDir), "driver directory removed: " + driverDir);
        assertFalse(Files.exists(driverDir.getParent()), "master directory removed: " + driverDir.getParent());
    }

    @Test
    void reloadUnderLoadFailsNoCallAndReplacesEveryWorkerReadyFirst() throws Exception
    {
        final Path file = write("calls.properties",
            "kill.grace = 5s",
            "worker.echo.main = " + EchoCallWorker.class.getName(),
            "worker.echo.count = 3",
            "worker.echo.ready = ready",
            "worker.echo.ready-timeout = 20s",
            "worker.load.main = " + CallLoadWorker.class.getName(),
            "worker.load.args = echo",
            "worker.load.ready = ready");
        start(file);
        awaitLine("cluster ready: 4 workers");
        final Path driverDir = driverDirectory();
        final List<Long> oldEcho = ids("echo");
        assertEquals(3, oldEcho.size(), lines::toString);
        final long before = awaitLoadAbove(0);

        // the operator's reload, through the driver
        final StringWriter out = new StringWriter();
        final int code = command(out, "reload", "echo", "--dir", driverDir.toString());
        assertEquals(0, code, out + " / " + lines);
        assertTrue(out.toString().contains("reload echo: every worker replaced"), out::toString);

        final long after = awaitLoadAbove(before);
        final List<Long> all = ids("echo");
        final List<Long> replacements = new ArrayList<>(all.subList(3, all.size()));
        assertEquals(3, replacements.size(), lines::toString);
        for (int i = 0; i < 3; i++)
        {
            final int ready = index(" clustr run: echo#" + replacements.get(i) + " \\(pid \\d+\\) ready");
            final int exited = index(" clustr run: echo#" + oldEcho.get(i) + " \\(pid \\d+\\) exited: exit code 0");
            assertTrue(ready >= 0 && exited > ready, "replacement " + replacements.get(i) + " ready before " +
                oldEcho.get(i) + " exited: " + lines);
        }
        assertTrue(index("reload echo: started, asked by operator \\(clustr reload, pid \\d+\\)") >= 0,
            lines::toString);
        assertTrue(lines.stream().noneMatch((l) -> l.contains("respawning")), lines::toString);

        // no failed call, before, during or after the reload
        final Matcher last = lastLoad();
        System.out.println("after the reload: " + last.group(0) + "; clustr reload printed: " + out);
        assertEquals("0", last.group(2), "failed calls: " + last.group(0));
        assertTrue(after > before, "calls went on through the reload");

        // scale down and up again, from the command line
        assertEquals(0, command(new StringWriter(), "scale", "echo", "1", "--dir", driverDir.toString()),
            lines::toString);
        final StringWriter up = new StringWriter();
        assertEquals(0, command(up, "scale", "echo", "2", "--dir", driverDir.toString()), up + " / " + lines);
        assertTrue(up.toString().contains("scale echo 2: done, new workers ["), up::toString);
        final String ls = inProcess("ls", "--sample", "0", "--dir", driverDir.toString());
        assertEquals(2, ls.lines().filter((l) -> l.contains(" echo ")).count(), ls);
        awaitLoadAbove(after);
        assertEquals("0", lastLoad().group(2), "failed calls: " + lastLoad().group(0));

        // a group the master does not have: the master's answer, exit code 1
        final StringWriter bad = new StringWriter();
        assertEquals(1, command(bad, "scale", "nope", "2", "--dir", driverDir.toString()), bad::toString);
        assertTrue(bad.toString().contains("never spawned a worker of group 'nope'"), bad::toString);

        run.destroy();
        assertTrue(run.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "clustr run exits on SIGTERM");
        assertFalse(Files.exists(driverDir.getParent()), "master directory removed");
    }

    @Test
    void startupPrintsAUnitThatSystemdAccepts() throws Exception
    {
        final Path systemdAnalyze = Path.of("/usr/bin/systemd-analyze");
        final Path file = write("web.properties",
            "kill.grace = 10s",
            "worker.web.main = " + TestWorker.class.getName(),
            "worker.web.args = web ready");
        final Path launcher = Path.of("..", "bin", "clustr").toAbsolutePath().normalize();
        final StringWriter out = new StringWriter();
        assertEquals(0, command(out, "startup", file.toString(), "--clustr", launcher.toString(), "--user", "root"),
            out::toString);
        final String unit = out.toString();
        assertTrue(unit.contains("\nExecStart=" + launcher + " run " + file.toAbsolutePath() + "\n"), unit);
        assertTrue(unit.contains("\nTimeoutStopSec=25\n"), unit);

        final StringWriter bad = new StringWriter();
        assertEquals(1, command(bad, "startup", write("bad.properties", "worker.web.count = 2").toString(),
            "--clustr", launcher.toString()), bad::toString);
        assertTrue(bad.toString().contains("bad.properties:1: worker.web has neither main nor command"),
            bad::toString);

        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(systemdAnalyze),
            "systemd-analyze is not installed: the unit is not verified");
        final Path service = temp.resolve("clustr-web.service");
        Files.writeString(service, unit, StandardCharsets.UTF_8);
        final Process verify = new ProcessBuilder(systemdAnalyze.toString(), "verify", service.toString())
            .redirectErrorStream(true)
            .start();
        assertTrue(verify.waitFor(30, TimeUnit.SECONDS), "systemd-analyze verify finished");
        final String report = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, verify.exitValue(), report);
        assertTrue(report.isBlank(), "systemd-analyze verify has no complaint: " + report);
    }

    private Path write(final String name, final String... content) throws IOException
    {
        final Path file = temp.resolve(name);
        Files.write(file, List.of(content), StandardCharsets.UTF_8);
        return file;
    }

    private void start(final Path file) throws IOException
    {
        final Path addOpens = Path.of("..", "config", "jvm", "add-opens.args").toAbsolutePath().normalize();
        run = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "@" + addOpens, "-XX:+UseSerialGC",
            "-cp", System.getProperty("java.class.path"),
            ClustrCommand.class.getName(), "run", file.toString())
            .redirectErrorStream(true)
            .start();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8)))
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
        }, "clustr-run-output");
        reader.setDaemon(true);
        reader.start();
    }

    private void awaitLine(final String text)
    {
        Tests.await(() -> lines.stream().anyMatch((l) -> l.contains(text)), TIMEOUT,
            () -> "'" + text + "' from clustr run: " + lines);
    }

    private Path driverDirectory()
    {
        for (final String line : lines)
        {
            final Matcher matcher = DRIVER_LINE.matcher(line);
            if (matcher.find())
            {
                return Path.of(matcher.group(1));
            }
        }
        throw new AssertionError("no driver line: " + lines);
    }

    private List<Long> workerPids()
    {
        final List<Long> pids = new ArrayList<>();
        for (final String line : lines)
        {
            final Matcher matcher = STARTED.matcher(line);
            if (matcher.find())
            {
                pids.add(Long.parseLong(matcher.group(3)));
            }
        }
        return pids;
    }

    private List<Long> ids(final String name)
    {
        final List<Long> ids = new ArrayList<>();
        for (final String line : lines)
        {
            final Matcher matcher = STARTED.matcher(line);
            if (matcher.find() && name.equals(matcher.group(1)))
            {
                ids.add(Long.parseLong(matcher.group(2)));
            }
        }
        return ids;
    }

    private int index(final String regex)
    {
        final Pattern pattern = Pattern.compile(regex);
        for (int i = 0; i < lines.size(); i++)
        {
            if (pattern.matcher(lines.get(i)).find())
            {
                return i;
            }
        }
        return -1;
    }

    private Matcher lastLoad()
    {
        Matcher last = null;
        for (final String line : lines)
        {
            final Matcher matcher = LOAD.matcher(line);
            if (matcher.find())
            {
                last = matcher;
            }
        }
        return Optional.ofNullable(last).orElseThrow(() -> new AssertionError("no load line: " + lines));
    }

    /**
     * Wait for a load report with more calls answered than {@code floor}, and return its count.
     */
    private long awaitLoadAbove(final long floor)
    {
        final long[] ok = { -1 };
        Tests.await(() ->
        {
            final Matcher matcher = lines.stream().anyMatch((l) -> LOAD.matcher(l).find()) ? lastLoad() : null;
            ok[0] = null == matcher ? -1 : Long.parseLong(matcher.group(1));
            return ok[0] > floor + 100;
        }, TIMEOUT, () -> "more than " + (floor + 100) + " calls answered: " + lines);
        return ok[0];
    }

    private static int command(final StringWriter out, final String... args)
    {
        final CommandLine commandLine = ClustrCommand.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(out));
        return commandLine.execute(args);
    }

    private static String inProcess(final String... args)
    {
        final StringWriter out = new StringWriter();
        final int code = command(out, args);
        assertEquals(0, code, out::toString);
        return out.toString();
    }
}
