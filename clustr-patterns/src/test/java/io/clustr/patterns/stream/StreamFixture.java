package io.clustr.patterns.stream;

import io.clustr.Master;
import io.clustr.Options;
import io.clustr.WorkerHandle;
import io.clustr.spawn.SpawnOption;
import io.clustr.spawn.Spec;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.Tests;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A master in the test JVM on its own embedded driver (a fresh directory under /dev/shm, watched for driver errors),
 * spawning {@link StreamTestWorker}s as separate JVMs and knowing when each confirmed "ready". {@link #close()} stops
 * every worker and checks the driver directory is gone.
 */
final class StreamFixture implements AutoCloseable
{
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final String aeronDir = new File("/dev/shm", "clustr-test-" + UUID.randomUUID()).getPath();
    final Master master;
    final Set<Long> ready = ConcurrentHashMap.newKeySet();

    StreamFixture(final DriverErrorLogWatcher watcher)
    {
        master = Master.create(Options.aeronDirectory(aeronDir), Options.killGrace(Duration.ofSeconds(3)));
        watcher.watch(aeronDir);
        master.onConfirmation(1, "ready", (confirmations) -> ready.add(confirmations.get(0).senderId()));
    }

    /**
     * Spawn a worker serving {@code stream} in {@code mode} (see {@link StreamTestWorker}) and wait until it
     * confirmed ready.
     */
    WorkerHandle spawnReady(final String stream, final String mode)
    {
        final WorkerHandle worker = master.spawn(List.of(
            Spec.spec(StreamTestWorker.class.getName(), SpawnOption.args(stream, mode)))).get(0);
        Tests.await(() -> ready.contains(worker.id()), TIMEOUT, () -> "worker " + worker.id() + " confirmed ready");
        return worker;
    }

    static void awaitWorkers(final StreamManager manager, final int count)
    {
        Tests.await(() -> manager.workers() == count, TIMEOUT, () -> count + " workers up at " + manager);
    }

    public void close()
    {
        master.close();
        assertFalse(new File(aeronDir).exists(), "driver directory left behind: " + aeronDir);
    }
}
