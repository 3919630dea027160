package io.clustr.system;

import io.clustr.Node;
import io.clustr.test.InterruptAfter;
import org.agrona.IoUtil;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mistakes at start-up, each in a JVM of its own as a user would make them: a worker with no master running fails
 * within about a second, naming the directory and how it was found; a JVM without the add-opens flag gets a
 * {@code ClustrException} naming it, not a raw {@code IllegalAccessError}.
 */
@InterruptAfter(60)
class StartupErrorsSystemTest
{
    /**
     * The worker waits {@code clustr.driver.wait.timeout} (1 s) for a driver; what it measures from
     * {@code Worker.create} to the exception includes loading Aeron's classes in a cold JVM.
     */
    private static final long MAX_FAILURE_MS = 2_500;

    @Test
    void shouldFailFastNamingTheDirectoryWhenNoMasterRuns() throws Exception
    {
        final Path missing = Path.of("/dev/shm", "clustr-test-nomaster-" + UUID.randomUUID());
        final String failure = failedWorker(missing);
        assertTrue(failure.contains("no media driver to attach to in " + missing), failure);
        assertTrue(failure.contains("there is no directory " + missing), failure);

        final Path empty = Files.createDirectories(Path.of("/dev/shm", "clustr-test-nocnc-" + UUID.randomUUID()));
        try
        {
            final String noDriver = failedWorker(empty);
            assertTrue(noDriver.contains(empty + " has no cnc.dat"), noDriver);
        }
        finally
        {
            IoUtil.delete(empty.toFile(), true);
        }
    }

    private static String failedWorker(final Path directory) throws Exception
    {
        final Map<String, String> env = new HashMap<>();
        env.put(Node.AERON_DIR_ENV, directory.toString());
        try (ChildJvm worker = ChildJvm.start(true, env, List.of(), StartupProbe.class.getName(), "worker"))
        {
            assertEquals(3, worker.awaitExit(30_000), worker::output);
            final String line = worker.awaitLine("FAILED ", 1_000);
            final long elapsedMs = Long.parseLong(line.split(" ")[1]);
            System.out.println("StartupErrorsSystemTest: worker failed after " + elapsedMs + " ms: " + line);
            assertTrue(elapsedMs < MAX_FAILURE_MS, "failed after " + elapsedMs + " ms: " + line);
            assertTrue(line.contains("io.clustr.ClustrException"), line);
            assertTrue(line.contains("because of the environment variable " + Node.AERON_DIR_ENV), line);
            assertTrue(line.contains("Master.aeronDirectoryName()"), line);
            assertFalse(Files.exists(directory.resolve("cnc.dat")));
            return line;
        }
    }

    @Test
    void shouldNameTheAddOpensFlagWhenTheJvmLacksIt() throws Exception
    {
        for (final String role : List.of("master", "worker"))
        {
            try (ChildJvm jvm = ChildJvm.start(false, Map.of(), List.of(), StartupProbe.class.getName(), role))
            {
                assertEquals(3, jvm.awaitExit(30_000), jvm::output);
                final String output = jvm.output();
                assertTrue(output.contains("FAILED") && output.contains("io.clustr.ClustrException"), output);
                assertTrue(output.contains("--add-opens java.base/jdk.internal.misc=ALL-UNNAMED"), output);
                assertFalse(output.contains("IllegalAccessError"), output);
            }
        }
    }
}
