package io.clustr.cli;

import io.clustr.DriverDirectories;
import io.clustr.spawn.Supervisor;
import io.clustr.system.StartupProbe;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code clustr clean} against a master JVM that was SIGKILLed (its driver directory left behind) and one that lives:
 * the dead one's directory is listed, then removed; the live one's never.
 */
@InterruptAfter(90)
class CleanCommandSystemTest
{
    @Test
    void shouldListThenRemoveADeadMastersDirectoryButNeverALiveOnes() throws Exception
    {
        final Process killed = startMaster();
        final Process alive = startMaster();
        Path killedDir = null;
        Path aliveDir = null;
        try
        {
            killedDir = Path.of(awaitDir(killed)).getParent();
            aliveDir = Path.of(awaitDir(alive)).getParent();
            killed.destroyForcibly();
            assertTrue(killed.waitFor(10, TimeUnit.SECONDS));
            assertTrue(Files.exists(killedDir), "a SIGKILLed master leaves its directory behind");

            // stale once its driver's heartbeat is older than the driver timeout (10 s)
            final String killedName = killedDir.toString();
            Tests.await(() -> run("clean").contains("stale   " + killedName), Duration.ofSeconds(40),
                () -> killedName + " listed by clustr clean");
            final String listed = run("clean");
            assertFalse(listed.contains(aliveDir.toString()), "a live master's directory is never stale: " + listed);
            assertTrue(Files.exists(killedDir), "listing removes nothing");

            final String removed = run("clean", "--remove");
            assertTrue(removed.contains("removed " + killedName), removed);
            assertFalse(Files.exists(killedDir), "removed");
            assertTrue(Files.exists(aliveDir), "the live master's directory is still there");
            assertFalse(run("clean").contains(killedName), "nothing left to list");
        }
        finally
        {
            alive.destroy();
            alive.waitFor(20, TimeUnit.SECONDS);
            killed.destroyForcibly();
            deleteQuietly(killedDir);
            deleteQuietly(aliveDir);
        }
    }

    private static Process startMaster() throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Supervisor.Configuration.ADD_OPENS_JVM_ARGS);
        command.addAll(List.of("-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"), StartupProbe.class.getName(), "master"));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");

        return builder.start();
    }

    private static String awaitDir(final Process master) throws Exception
    {
        final BufferedReader in = new BufferedReader(
            new InputStreamReader(master.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while (null != (line = in.readLine()))
        {
            if (line.startsWith("DIR "))
            {
                final String dir = line.substring(4);
                assertEquals(DriverDirectories.DRIVER_SUBDIRECTORY, Path.of(dir).getFileName().toString(), dir);
                final Thread drain = new Thread(() -> drain(in), "master-output");
                drain.setDaemon(true);
                drain.start();
                return dir;
            }
        }

        throw new AssertionError("the master exited before printing its directory");
    }

    private static void drain(final BufferedReader in)
    {
        try
        {
            while (null != in.readLine())
            {
                // keep the pipe from filling
            }
        }
        catch (final Exception ignore)
        {
            // process gone
        }
    }

    private static String run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final CommandLine commandLine = ClustrCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(out, true));
        assertEquals(0, commandLine.execute(args), out::toString);

        return out.toString();
    }

    private static void deleteQuietly(final Path dir)
    {
        if (null == dir || !Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
        }
        catch (final Exception ignore)
        {
            // best effort
        }
    }
}
