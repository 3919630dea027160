package io.clustr.system;

import io.clustr.Master;
import io.clustr.Options;
import io.clustr.WorkerHandle;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.Spec.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Another local user cannot list a running cluster's driver directory, nor read its {@code cnc.dat} or a message
 * log, while the cluster's own workers (same user) join as before. Runs the probes as {@code nobody} with
 * {@code setpriv} (or {@code runuser}), so it needs root, as CI runs; skipped otherwise. Each probe is first shown to
 * work on a file {@code nobody} may read, so a failing probe means the permission, not the harness.
 */
@InterruptAfter(60)
class PermissionsSystemTest
{
    private static List<String> asNobody;

    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    @BeforeAll
    static void findAWayToRunAsNobody() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "runs probes as another user: needs root");
        for (final List<String> prefix : List.of(
            List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"),
            List.of("runuser", "-u", "nobody", "--")))
        {
            final List<String> id = new ArrayList<>(prefix);
            id.addAll(List.of("id", "-u"));
            final Result result = run(id);
            if (0 == result.code && !"0".equals(result.output.trim()))
            {
                asNobody = prefix;
                return;
            }
        }
        assumeTrue(false, "neither setpriv nor runuser can run a command as nobody");
    }

    @Test
    void shouldKeepOtherUsersOutOfAMastersOwnDirectory() throws Exception
    {
        try (Master master = Master.create())
        {
            watcher.watch(master.aeronDirectoryName());
            final Path driverDir = Path.of(master.aeronDirectoryName());
            assertEquals("rwx------", mode(driverDir.getParent()), "the master's directory");
            assertClusterRunsAndIsClosedToOthers(master, driverDir);
        }
    }

    @Test
    void shouldKeepOtherUsersOutOfAGivenDirectory() throws Exception
    {
        final String dir = "/dev/shm/clustr-test-perm-" + UUID.randomUUID();
        try (Master master = Master.create(Options.aeronDirectory(dir)))
        {
            watcher.watch(dir);
            assertClusterRunsAndIsClosedToOthers(master, Path.of(dir));
        }
        assertFalse(Files.exists(Path.of(dir)));
    }

    private static void assertClusterRunsAndIsClosedToOthers(final Master master, final Path driverDir)
        throws Exception
    {
        final CountDownLatch ready = new CountDownLatch(1);
        master.onConfirmation(1, "ready", ready::countDown);
        final WorkerHandle worker = master.spawn(List.of(
            spec(TestWorker.class.getName(), args("web", "ready")))).get(0);
        assertTrue(ready.await(30, TimeUnit.SECONDS), "a worker of the same user joins the 0700 directory");

        assertEquals("rwx------", mode(driverDir));
        assertEquals("rw-------", mode(driverDir.resolve("cnc.dat")));
        final Path log;
        try (Stream<Path> logs = Files.list(driverDir.resolve("publications")))
        {
            log = logs.filter((p) -> p.toString().endsWith(".logbuffer")).findFirst().orElseThrow();
        }

        final Path readable = Files.createTempFile(Path.of("/dev/shm"), "clustr-test-perm-", ".txt");
        try
        {
            Files.writeString(readable, "anyone may read this");
            Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rw-r--r--"));
            final Result control = asNobody("cat", readable.toString());
            assertEquals(0, control.code, "the probe reads a world-readable file as nobody: " + control.output);
            assertTrue(control.output.contains("anyone may read this"), control.output);
        }
        finally
        {
            Files.deleteIfExists(readable);
        }

        for (final List<String> probe : List.of(
            List.of("ls", driverDir.toString()),
            List.of("ls", driverDir.getParent().toString() + "/" + driverDir.getFileName() + "/publications"),
            List.of("cat", driverDir.resolve("cnc.dat").toString()),
            List.of("cat", log.toString()),
            List.of("head", "-c", "1", log.toString())))
        {
            final Result result = asNobody(probe.toArray(new String[0]));
            assertNotEquals(0, result.code, "as nobody: " + probe + " -> " + result.output);
            assertTrue(result.output.contains("Permission denied"), probe + " -> " + result.output);
        }

        master.killWorker(worker.id(), 0).get(30, TimeUnit.SECONDS);
    }

    private static String mode(final Path path) throws IOException
    {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static Result asNobody(final String... command) throws Exception
    {
        final List<String> full = new ArrayList<>(asNobody);
        full.addAll(List.of(command));
        return run(full);
    }

    private static Result run(final List<String> command) throws Exception
    {
        final Process process;
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            return new Result(-1, ex.toString());
        }
        final String output;
        try (Stream<String> lines = new java.io.BufferedReader(new java.io.InputStreamReader(
            process.getInputStream(), StandardCharsets.UTF_8)).lines())
        {
            output = lines.limit(20).collect(Collectors.joining("\n"));
        }
        if (!process.waitFor(10, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            return new Result(-1, "timed out: " + output);
        }
        return new Result(process.exitValue(), output);
    }

    private static final class Result
    {
        final int code;
        final String output;

        Result(final int code, final String output)
        {
            this.code = code;
            this.output = output;
        }
    }
}
