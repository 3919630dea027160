package io.clustr.patterns.system;

import io.clustr.Master;
import io.clustr.Options;
import io.clustr.WorkerHandle;
import io.clustr.spawn.RespawnPolicy;
import io.clustr.spawn.SpawnOption;
import io.clustr.spawn.Spec;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.Tests;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A master in the test JVM on its own embedded driver (a fresh directory under /dev/shm, watched for driver errors)
 * that spawns {@link PatternWorker}s as separate JVMs and waits for their "ready". {@link #close()} stops them and
 * checks the driver directory is gone.
 */
final class PatternCluster implements AutoCloseable
{
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final String aeronDir = new File("/dev/shm", "clustr-test-" + UUID.randomUUID()).getPath();
    final Master master;
    private final Set<Long> ready = ConcurrentHashMap.newKeySet();

    PatternCluster(final DriverErrorLogWatcher watcher)
    {
        master = Master.create(Options.aeronDirectory(aeronDir), Options.killGrace(Duration.ofSeconds(3)));
        watcher.watch(aeronDir);
        master.onConfirmation(1, "ready", (confirmations) -> ready.add(confirmations.get(0).senderId()));
    }

    static Spec worker(final String group, final int maxInFlight, final String mode)
    {
        return Spec.spec(PatternWorker.class.getName(),
            SpawnOption.args(group, Integer.toString(maxInFlight), mode), SpawnOption.respawn(RespawnPolicy.never()));
    }

    List<WorkerHandle> spawnReady(final Spec... specs)
    {
        final List<WorkerHandle> workers = new ArrayList<>(master.spawn(List.of(specs)));
        for (final WorkerHandle worker : workers)
        {
            Tests.await(() -> ready.contains(worker.id()), TIMEOUT, () -> "worker " + worker.id() + " ready");
        }
        return workers;
    }

    /**
     * SIGKILL a worker's process: no leave, no kill hook; its parent reports the exit.
     */
    static void sigkill(final WorkerHandle worker)
    {
        ProcessHandle.of(worker.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close()
    {
        master.close();
        assertFalse(new File(aeronDir).exists(), "driver directory left behind: " + aeronDir);
    }
}
