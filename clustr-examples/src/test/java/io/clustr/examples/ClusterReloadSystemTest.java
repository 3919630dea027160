package io.clustr.examples;

import io.clustr.patterns.net.SharedPort;
import io.clustr.spawn.Supervisor;
import io.clustr.test.InterruptAfter;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A rolling restart of the shared-port HTTP group under HTTP load fails no request: {@link ReloadUnderLoad} (a
 * master, 2 {@code HelloWorker}s sharing a port, 4 clients opening a connection per request and 2 on kept-alive
 * connections, two {@code Master.reload("web")} in a row) runs as its own process, in a network namespace of its own
 * ({@code unshare -n}, loopback up) with {@code net.ipv4.tcp_migrate_req=1}, so the host's setting is not touched.
 * Every request before, during and after the reloads is answered, none fails (no retries), and every worker pid
 * changed. Needs root and {@code unshare}, or the host's own {@code tcp_migrate_req=1}; skipped otherwise.
 */
@InterruptAfter(240)
class ClusterReloadSystemTest
{
    private static final int RELOADS = 2;
    private static final long RUN_TIMEOUT_S = 200;

    @Test
    void aReloadUnderLoadFailsNoRequestAndReplacesEveryWorker() throws Exception
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> javaCommand = new ArrayList<>();
        javaCommand.add(java);
        javaCommand.addAll(Supervisor.Configuration.ADD_OPENS_JVM_ARGS);
        javaCommand.addAll(List.of("-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
            ReloadUnderLoad.class.getName(), Integer.toString(RELOADS)));

        final List<String> command = new ArrayList<>();
        if (SharedPort.isMigratingQueuedConnections())
        {
            command.addAll(javaCommand);
        }
        else
        {
            assumeTrue(isRoot() && new File("/usr/bin/unshare").canExecute(),
                "needs net.ipv4.tcp_migrate_req=1, or root and unshare to set it in a network namespace");
            command.addAll(List.of("/usr/bin/unshare", "-n", "sh", "-c",
                "ip link set lo up && sysctl -q -w net.ipv4.tcp_migrate_req=1 && exec \"$@\"", "reload"));
            command.addAll(javaCommand);
        }

        final Path output = Files.createTempFile("clustr-reload", ".log");
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(output.toFile()).start();
        try
        {
            assertTrue(process.waitFor(RUN_TIMEOUT_S, TimeUnit.SECONDS), "finished in " + RUN_TIMEOUT_S + " s");
            final String log = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), log);
            assertTrue(log.contains("\nRESULT"), log);
            final Map<String, String> values = values(log);

            assertEquals("1", values.get("tcp_migrate_req"), log);
            for (final String phase : List.of("before", "during", "after"))
            {
                assertEquals(0, Long.parseLong(values.get("failed." + phase)), "failed " + phase + ":\n" + log);
                assertTrue(Long.parseLong(values.get("answered." + phase)) > 0, "answered " + phase + ":\n" + log);
            }
            final List<String> before = List.of(values.get("pids.before").replaceAll("[\\[\\] ]", "").split(","));
            final List<String> after = List.of(values.get("pids.after").replaceAll("[\\[\\] ]", "").split(","));
            assertEquals(2, before.size(), log);
            assertEquals(2, after.size(), log);
            for (final String pid : after)
            {
                assertTrue(!before.contains(pid), "pid " + pid + " replaced:\n" + log);
            }
            assertEquals("false", values.get("aeron.dir.left"), log);
            System.out.println("reload under load: " + values);
        }
        finally
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(output);
        }
    }

    private static Map<String, String> values(final String log)
    {
        final Map<String, String> values = new HashMap<>();
        for (final String line : log.split("\n"))
        {
            final int equals = line.indexOf('=');
            if (equals > 0 && line.substring(0, equals).matches("[a-z_.]+") && !line.startsWith("failure="))
            {
                values.put(line.substring(0, equals), line.substring(equals + 1).trim());
            }
        }
        return values;
    }

    private static boolean isRoot()
    {
        try
        {
            return "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                StandardCharsets.US_ASCII).trim());
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
