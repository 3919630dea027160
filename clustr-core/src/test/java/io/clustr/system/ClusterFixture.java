package io.clustr.system;

import io.clustr.Master;
import io.clustr.MasterOption;
import io.clustr.Options;
import io.clustr.WorkerHandle;
import io.clustr.spawn.Spec;

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

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A master in the test JVM on its own embedded driver (a fresh directory under /dev/shm), collecting what workers
 * report on its private stream, and spawning {@link TestWorker}s as separate JVMs. {@link #close()} stops every
 * worker and checks the driver directory is gone.
 */
final class ClusterFixture implements AutoCloseable
{
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final String aeronDir = new File("/dev/shm", "clustr-test-" + UUID.randomUUID()).getPath();
    final Master master;
    final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> binaryInbox = new LinkedBlockingQueue<>();
    final Set<Long> ready = ConcurrentHashMap.newKeySet();

    ClusterFixture(final MasterOption... options)
    {
        final List<MasterOption> all = new ArrayList<>(List.of(
            Options.aeronDirectory(aeronDir), Options.killGrace(Duration.ofSeconds(3))));
        all.addAll(Arrays.asList(options));
        master = Master.create(all.toArray(new MasterOption[0]));
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
        final long deadlineNs = System.nanoTime() + TIMEOUT.toNanos();
        for (final WorkerHandle worker : workers)
        {
            while (!ready.contains(worker.id()))
            {
                if (System.nanoTime() > deadlineNs)
                {
                    fail("worker " + worker + " did not confirm ready within " + TIMEOUT);
                }
                sleep(5);
            }
        }

        return workers;
    }

    String await(final Predicate<String> predicate)
    {
        final long deadlineNs = System.nanoTime() + TIMEOUT.toNanos();
        try
        {
            while (true)
            {
                final String message = inbox.poll(deadlineNs - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (null == message)
                {
                    fail("no matching report within " + TIMEOUT + "; left in inbox: " + inbox);
                }
                if (predicate.test(message))
                {
                    return message;
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    byte[] awaitBinary()
    {
        try
        {
            final byte[] bytes = binaryInbox.poll(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            if (null == bytes)
            {
                fail("no binary echo within " + TIMEOUT);
            }
            return bytes;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
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

    static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    public void close()
    {
        master.close();
        assertFalse(new File(aeronDir).exists(), "driver directory left behind: " + aeronDir);
    }
}
