package io.clustr.system;

import io.clustr.Master;
import io.clustr.Options;
import io.clustr.WorkerHandle;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.RespawnPolicy;
import io.clustr.spawn.SpawnOption;
import io.clustr.spawn.Spec;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM to a node that is publishing and receiving at full rate: its shutdown hook stops the agent before the
 * Aeron client closes, so the JVM never writes into or reads from an unmapped log (no SIGSEGV, no hs_err file), and
 * it exits with 143 (128 + SIGTERM), as every JVM ended by SIGTERM does; also when a handler is slow.
 */
@InterruptAfter(240)
class ShutdownSystemTest
{
    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private static final int ROUNDS = 20;
    private static final long STEP_TIMEOUT_S = 30;

    private final String aeronDir = new File("/dev/shm", "clustr-test-" + UUID.randomUUID()).getPath();
    private final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    private Path crashDir;
    private Master master;

    @AfterEach
    void after() throws IOException
    {
        if (null != master)
        {
            master.close();
        }
        assertFalse(new File(aeronDir).exists(), "driver directory left behind");
        if (null != crashDir)
        {
            try (Stream<Path> files = Files.list(crashDir))
            {
                files.forEach((file) -> file.toFile().delete());
            }
            Files.deleteIfExists(crashDir);
        }
    }

    @Test
    void shouldStopChildrenWithExitCodeZeroOnClose() throws Exception
    {
        final ClusterFixture cluster = new ClusterFixture(watcher);
        final List<WorkerHandle> workers;
        try
        {
            workers = cluster.spawnReady(ClusterFixture.worker("web"), ClusterFixture.worker("cache"));
        }
        finally
        {
            cluster.close();
        }

        for (final WorkerHandle worker : workers)
        {
            final ExitStatus status = worker.onExit().get(STEP_TIMEOUT_S, TimeUnit.SECONDS);
            assertEquals(0, status.code(), worker + ": " + status.reason());
            assertEquals(0, status.signal(), worker + ": " + status.reason());
        }
    }

    @Test
    void shouldExitCleanlyOnSigtermMidStream() throws Exception
    {
        crashDir = Files.createTempDirectory("clustr-hs-err");
        master = Master.create(Options.aeronDirectory(aeronDir), Options.killGrace(Duration.ofSeconds(3)));
        master.onPrivate((msg) -> inbox.add(msg.text()));
        watcher.watch(aeronDir);

        for (int round = 0; round < ROUNDS; round++)
        {
            final String mode = 0 == round % 2 ? "fast" : "slow";
            final List<WorkerHandle> workers = master.spawn(List.of(Spec.spec(
                StreamingWorker.class.getName(),
                SpawnOption.args(mode),
                SpawnOption.jvmArgs("-XX:ErrorFile=" + crashDir + "/hs_err_pid%p.log"),
                SpawnOption.respawn(RespawnPolicy.never()))));
            final WorkerHandle worker = workers.get(0);

            final String line = inbox.poll(STEP_TIMEOUT_S, TimeUnit.SECONDS);
            assertEquals("streaming|" + worker.id(), line, "round " + round + " (" + mode + ")");

            final ProcessHandle process = ProcessHandle.of(worker.pid()).orElseThrow();
            assertTrue(process.destroy(), "SIGTERM sent");
            final ExitStatus status = worker.onExit().get(STEP_TIMEOUT_S, TimeUnit.SECONDS);
            assertNotNull(status);

            assertEquals(143, status.code(), "round " + round + " (" + mode + "): " + status.reason());
            try (Stream<Path> crashes = Files.list(crashDir))
            {
                assertEquals(List.of(), crashes.toList(), "round " + round + " (" + mode + ") crashed");
            }
            assertFalse(status.reason().contains("SIGSEGV"), status.reason());
        }
    }
}
