package io.clustr.cli;

import io.clustr.Channel;
import io.clustr.Master;
import io.clustr.Options;
import io.clustr.WorkerHandle;
import io.clustr.spawn.SpawnOption;
import io.clustr.spawn.Spec;
import io.clustr.system.TestWorker;
import io.clustr.test.Tests;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real cluster for the monit and web tests: a master in the test's JVM on its own driver directory under
 * /dev/shm, a {@link TestWorker} of group web and one of group cache (their own JVMs), and optionally a thread that
 * keeps sending the web worker messages (each reported back to the master) so there are rates to show.
 */
final class TestCluster implements AutoCloseable
{
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final String aeronDir = new File("/dev/shm", "clustr-test-web-" + UUID.randomUUID()).getPath();
    final Master master;
    final WorkerHandle web;
    final WorkerHandle cache;
    final AtomicLong reportsReceived = new AtomicLong();
    private final Set<Long> ready = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean sending = new AtomicBoolean();
    private Thread sender;

    TestCluster()
    {
        master = Master.create(Options.aeronDirectory(aeronDir), Options.killGrace(Duration.ofSeconds(3)));
        try
        {
            master.onPrivate((msg) -> reportsReceived.incrementAndGet());
            master.onConfirmation(1, "ready", (confirmations) -> ready.add(confirmations.get(0).senderId()));
            final List<WorkerHandle> workers = master.spawn(List.of(
                Spec.spec(TestWorker.class.getName(), SpawnOption.args("web", "ready")),
                Spec.spec(TestWorker.class.getName(), SpawnOption.args("cache", "ready"))));
            web = workers.get(0);
            cache = workers.get(1);
            for (final WorkerHandle worker : workers)
            {
                Tests.await(() -> ready.contains(worker.id()), TIMEOUT, () -> "worker " + worker.id() + " ready");
            }
        }
        catch (final RuntimeException | Error ex)
        {
            master.close();
            throw ex;
        }
    }

    /**
     * Send the web worker a message every 10 ms from a thread of the master, until {@link #close()}.
     */
    void startSending()
    {
        sending.set(true);
        sender = new Thread(() ->
        {
            long i = 0;
            while (sending.get())
            {
                master.publish(Channel.worker(web.id()), "hello " + i++);
                Tests.sleep(10);
            }
        }, "test-sender");
        sender.start();
    }

    @Override
    public void close()
    {
        sending.set(false);
        if (null != sender)
        {
            try
            {
                sender.join(TIMEOUT.toMillis());
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        master.close();
        if (new File(aeronDir).exists())
        {
            throw new AssertionError("driver directory left behind: " + aeronDir);
        }
    }
}
