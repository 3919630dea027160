package io.clustr.system;

import io.clustr.Master;
import io.clustr.MasterOption;
import io.clustr.Options;
import io.clustr.WorkerHandle;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.Spec;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.Tests;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A master in the test JVM on its own embedded driver (a fresh directory under /dev/shm), collecting what workers
 * report on its private stream, and spawning {@link TestWorker}s as separate JVMs. The driver's directory is
 * watched by the test's {@link DriverErrorLogWatcher} from the moment the master runs, so the test fails on any
 * error the driver logs, during close included. {@link #close()} stops every worker and checks the driver
 * directory is gone.
 */
final class ClusterFixture implements AutoCloseable
{
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final String aeronDir = new File("/dev/shm", "clustr-test-" + UUID.randomUUID()).getPath();
    final Master master;
    final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> binaryInbox = new LinkedBlockingQueue<>();
    final Set<Long> ready = ConcurrentHashMap.newKeySet();

    /**
     * Start the master and hand its driver directory to the watcher.
     *
     * @param watcher the test's watcher, registered with {@code @RegisterExtension}.
     * @param options options added to the fixture's directory and kill grace.
     */
    ClusterFixture(final DriverErrorLogWatcher watcher, final MasterOption... options)
    {
        final List<MasterOption> all = new ArrayList<>(List.of(
            Options.aeronDirectory(aeronDir), Options.killGrace(Duration.ofSeconds(3))));
        all.addAll(Arrays.asList(options));
        master = Master.create(all.toArray(new MasterOption[0]));
        watcher.watch(aeronDir);
        master.onPrivate((msg) ->
        {
            if (msg.length() > 0 && 0 == msg.buffer().getByte(msg.offset()))
            {
                binaryInbox.add(msg.bytes());
            }
            else
            {
                inbox.add(msg.text());
            }
        });
        master.onConfirmation(1, "ready", (confirmations) -> ready.add(confirmations.get(0).senderId()));
    }

    static Spec worker(final String group)
    {
        return Spec.spec(TestWorker.class.getName(), io.clustr.spawn.SpawnOption.args(group, "ready"));
    }

    List<WorkerHandle> spawnReady(final Spec... specs)
    {
        final List<WorkerHandle> workers = master.spawn(List.of(specs));
        for (final WorkerHandle worker : workers)
        {
            awaitReady(worker.id());
        }

        return workers;
    }

    /**
     * Wait until the worker with this id (spawned by anyone) confirmed "ready" to the master.
     */
    void awaitReady(final long workerId)
    {
        Tests.await(() -> ready.contains(workerId), TIMEOUT, () -> "worker " + workerId + " confirmed ready");
    }

    /**
     * Take reports until one matches, and return it; the ones before it are dropped.
     */
    String await(final Predicate<String> predicate)
    {
        final long deadlineNs = System.nanoTime() + TIMEOUT.toNanos();
        while (true)
        {
            final String message = Tests.poll(inbox, Duration.ofNanos(Math.max(0, deadlineNs - System.nanoTime())),
                () -> "a matching report; left in inbox: " + inbox);
            if (predicate.test(message))
            {
                return message;
            }
        }
    }

    byte[] awaitBinary()
    {
        return Tests.poll(binaryInbox, TIMEOUT, () -> "a binary echo");
    }

    /**
     * Take reports until one matching {@code until} has been seen from each of {@code count} senders, and return
     * every report taken (the matching ones included).
     */
    List<String> collectUntil(final Predicate<String> until, final int count)
    {
        final List<String> taken = new ArrayList<>();
        int seen = 0;
        while (seen < count)
        {
            final String message = await((m) -> true);
            taken.add(message);
            if (until.test(message))
            {
                seen++;
            }
        }

        return taken;
    }

    public void close()
    {
        master.close();
        assertFalse(new File(aeronDir).exists(), "driver directory left behind: " + aeronDir);
    }

    /**
     * Close the cluster and assert every one of {@code workers} exited with 0 (within 30 s each).
     *
     * @param workers spawned by this cluster's master.
     * @throws Exception if a worker's exit cannot be awaited.
     */
    void closeExpectingCleanExits(final List<WorkerHandle> workers) throws Exception
    {
        close();
        for (final WorkerHandle worker : workers)
        {
            final ExitStatus status = worker.onExit().get(30, TimeUnit.SECONDS);
            assertEquals(0, status.code(), worker + ": " + status.reason());
        }
    }
}
