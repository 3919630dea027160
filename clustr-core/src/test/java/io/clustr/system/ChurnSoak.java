package io.clustr.system;

import io.clustr.Channel;
import io.clustr.LifecycleListener;
import io.clustr.WorkerHandle;
import io.clustr.WorkerInfo;
import io.clustr.spawn.ChildState;
import io.clustr.spawn.RespawnPolicy;
import io.clustr.spawn.Spec;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.Tests;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.respawn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak test (its own Maven profile, {@code -Psoak}; not run by {@code mvn -B verify}): a master in the test JVM,
 * 2 steady {@link SoakWorker}s that are never killed, and 3 churn workers that are killed over and over (SIGKILL,
 * SIGTERM, {@code killWorker(id, 1)}, in turn) and respawned by their policy, while the master publishes sequence
 * numbers on the public stream, the steady group's stream and each steady worker's private stream. At the end:
 * <ul>
 *     <li>each steady worker received every message published on each of its 3 streams, none twice, in order
 *     (unless it was cut loose, which is reported and fails the test: at this rate it must not happen);</li>
 *     <li>threads and file descriptors of the master's JVM and of each steady worker, and the bytes of the cluster's
 *     driver directory in {@code /dev/shm}, are no higher than after the warm-up (sampled with the same number of
 *     workers online).</li>
 * </ul>
 * Duration: {@code -Dclustr.soak.seconds=120} (default). Run:
 * {@code mvn -B -pl clustr-core -am verify -Psoak -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ChurnSoak
{
    private static final long SOAK_SECONDS = Long.getLong("clustr.soak.seconds", 120);
    private static final int CHURN_WORKERS = 3;
    private static final int BATCH = 20;
    private static final long KILL_INTERVAL_MS = 1500;

    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private final AtomicLong respawns = new AtomicLong();

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void shouldLoseNothingToSteadySubscribersAndLeakNothingWhileWorkersAreKilledAndRespawned() throws Exception
    {
        try (ClusterFixture cluster = new ClusterFixture(watcher))
        {
            cluster.master.onLifecycle(new LifecycleListener()
            {
                @Override
                public void onFork(final WorkerHandle worker)
                {
                    if (worker.restarts() > 0)
                    {
                        respawns.incrementAndGet();
                    }
                }
            });
            final List<WorkerHandle> steady = cluster.spawnReady(soakWorker("steady"), soakWorker("steady"));
            final RespawnPolicy churnPolicy = RespawnPolicy.always().minInterval(Duration.ofMillis(100))
                .backoff(Duration.ofMillis(200)).crashLoop(100_000, Duration.ofSeconds(1));
            final List<Spec> churnSpecs = new ArrayList<>();
            for (int i = 0; i < CHURN_WORKERS; i++)
            {
                churnSpecs.add(Spec.spec(SoakWorker.class.getName(), args("churn"), respawn(churnPolicy)));
            }
            cluster.spawnReady(churnSpecs.toArray(new Spec[0]));

            final Publisher publisher = new Publisher(cluster, steady);
            final Thread publishing = new Thread(publisher, "soak-publisher");
            publishing.start();

            Tests.sleep(5_000); // warm-up: the JIT, the class-data archive, the first logs
            final Sample warm = sample(cluster, steady);
            System.out.println("ChurnSoak warm " + warm);

            final Map<String, Integer> kills = churn(cluster, TimeUnit.SECONDS.toMillis(SOAK_SECONDS), () ->
            {
                try
                {
                    System.out.println("ChurnSoak during " + sample(cluster, steady) + " respawns " + respawns.get());
                }
                catch (final IOException ex)
                {
                    System.out.println("ChurnSoak during: " + ex);
                }
            });

            publisher.stop(publishing);
            awaitChurnOnline(cluster);
            Tests.sleep(2_000); // the logs of the last dead workers linger in the driver for a moment
            final Sample end = sample(cluster, steady);
            System.out.println("ChurnSoak end  " + end);

            // the end marker follows every sequence number on each stream
            cluster.master.publish(Channel.PUBLIC, "end");
            cluster.master.publish(Channel.group("steady"), "end");
            for (final WorkerHandle worker : steady)
            {
                cluster.master.publish(Channel.worker(worker.id()), "end");
            }
            final List<String> reports = new ArrayList<>();
            for (int i = 0; i < steady.size() * 3; i++)
            {
                reports.add(cluster.await((m) -> m.startsWith("soak|")));
            }

            System.out.println("ChurnSoak: " + SOAK_SECONDS + " s, kills " + kills + ", respawns " + respawns.get() +
                ", published per stream public " + publisher.published[0] + " group " + publisher.published[1] +
                " private " + publisher.published[2] + " (to each steady worker)");
            reports.forEach((r) -> System.out.println("ChurnSoak report " + r));

            for (final String report : reports)
            {
                final String[] f = report.split("\\|");
                final long expected = publisher.published["public".equals(f[2]) ? 0 : "group".equals(f[2]) ? 1 : 2];
                assertEquals("0", f[6], "a steady worker was cut loose: " + report);
                assertEquals(expected + "|0|0", f[3] + "|" + f[4] + "|" + f[5],
                    "received|lost|disordered of a steady worker: " + report);
            }
            assertTrue(kills.values().stream().mapToInt(Integer::intValue).sum() >= SOAK_SECONDS * 1000 /
                KILL_INTERVAL_MS / 2, "workers were killed: " + kills);
            assertTrue(respawns.get() >= kills.values().stream().mapToInt(Integer::intValue).sum(),
                "every killed worker was respawned: " + respawns.get() + " respawns for " + kills);

            warm.assertNoGrowth(end);
        }
    }

    private static Spec soakWorker(final String role)
    {
        return Spec.spec(SoakWorker.class.getName(), args(role));
    }

    /**
     * Kill a random churn worker every {@link #KILL_INTERVAL_MS}, by SIGKILL, SIGTERM or killWorker(id, 1) in turn.
     */
    private static Map<String, Integer> churn(
        final ClusterFixture cluster, final long durationMs, final Runnable progress)
    {
        final Map<String, Integer> kills = new TreeMap<>();
        final Random random = new Random(42);
        final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
        int round = 0;
        while (System.nanoTime() - endNs < 0)
        {
            Tests.sleep(KILL_INTERVAL_MS);
            final List<WorkerInfo> online = cluster.master.workers().stream()
                .filter((w) -> "churn".equals(w.group()) && ChildState.ONLINE == w.state())
                .collect(Collectors.toList());
            if (online.isEmpty())
            {
                continue;
            }

            if (round > 0 && round % 20 == 0)
            {
                progress.run();
            }
            final WorkerInfo victim = online.get(random.nextInt(online.size()));
            final String how = switch (round++ % 3)
            {
                case 0 -> "sigkill";
                case 1 -> "sigterm";
                default -> "killWorker";
            };
            try
            {
                switch (how)
                {
                    case "sigkill" -> ProcessHandle.of(victim.pid()).ifPresent(ProcessHandle::destroyForcibly);
                    case "sigterm" -> ProcessHandle.of(victim.pid()).ifPresent(ProcessHandle::destroy);
                    default -> cluster.master.killWorker(victim.id(), 1);
                }
                kills.merge(how, 1, Integer::sum);
            }
            catch (final RuntimeException ex)
            {
                kills.merge(how + "-failed", 1, Integer::sum); // it died between the listing and the kill
            }
        }

        return kills;
    }

    private static void awaitChurnOnline(final ClusterFixture cluster)
    {
        Tests.await(() -> cluster.master.workers().stream()
            .filter((w) -> "churn".equals(w.group()) && ChildState.ONLINE == w.state()).count() == CHURN_WORKERS &&
            cluster.master.workers().size() == CHURN_WORKERS + 2, Duration.ofSeconds(60),
            () -> "all churn workers online again: " + cluster.master.workers());
    }

    /**
     * Publishes sequence numbers in batches of {@link #BATCH} per stream every millisecond or so.
     */
    private static final class Publisher implements Runnable
    {
        final long[] published = new long[3];
        private final ClusterFixture cluster;
        private final List<WorkerHandle> steady;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile Throwable failure;

        Publisher(final ClusterFixture cluster, final List<WorkerHandle> steady)
        {
            this.cluster = cluster;
            this.steady = steady;
        }

        @Override
        public void run()
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Long.BYTES]);
            final List<Channel> privates = steady.stream().map((w) -> Channel.worker(w.id()))
                .collect(Collectors.toList());
            final Channel group = Channel.group("steady");
            try
            {
                while (running.get())
                {
                    for (int i = 0; i < BATCH; i++)
                    {
                        buffer.putLong(0, published[0]++);
                        cluster.master.publish(Channel.PUBLIC, buffer, 0, Long.BYTES);
                        buffer.putLong(0, published[1]++);
                        cluster.master.publish(group, buffer, 0, Long.BYTES);
                        buffer.putLong(0, published[2]++);
                        for (final Channel channel : privates)
                        {
                            cluster.master.publish(channel, buffer, 0, Long.BYTES);
                        }
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
            catch (final Throwable ex)
            {
                failure = ex;
            }
        }

        void stop(final Thread thread) throws InterruptedException
        {
            running.set(false);
            thread.join(TimeUnit.SECONDS.toMillis(30));
            if (null != failure)
            {
                throw new AssertionError("the publisher failed after " + published[0] + " messages", failure);
            }
        }
    }

    private static Sample sample(final ClusterFixture cluster, final List<WorkerHandle> steady) throws IOException
    {
        final Map<String, Long> values = new TreeMap<>();
        values.put("master threads", (long)ManagementFactory.getThreadMXBean().getThreadCount() -
            reaperThreads());
        values.put("master fds", count(Path.of("/proc/self/fd")));
        for (int i = 0; i < steady.size(); i++)
        {
            final long pid = steady.get(i).pid();
            values.put("steady" + i + " threads", count(Path.of("/proc", Long.toString(pid), "task")));
            values.put("steady" + i + " fds", count(Path.of("/proc", Long.toString(pid), "fd")));
        }
        values.put("driver dir bytes", bytes(Path.of(cluster.aeronDir)));
        values.put("driver dir files", files(Path.of(cluster.aeronDir)));
        return new Sample(values);
    }

    /**
     * The JDK's process reaper threads come and go with child processes (a cached pool, idle ones expire after a
     * minute): not clustr's, not counted.
     */
    private static long reaperThreads()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter((t) -> t.getName().startsWith("process reaper")).count();
    }

    private static long count(final Path dir) throws IOException
    {
        try (Stream<Path> entries = Files.list(dir))
        {
            return entries.count();
        }
    }

    private static long files(final Path dir) throws IOException
    {
        try (Stream<Path> entries = Files.walk(dir))
        {
            return entries.filter(Files::isRegularFile).count();
        }
    }

    private static long bytes(final Path dir) throws IOException
    {
        try (Stream<Path> entries = Files.walk(dir))
        {
            return entries.filter(Files::isRegularFile).mapToLong((p) -> new File(p.toString()).length()).sum();
        }
    }

    private record Sample(Map<String, Long> values)
    {
        void assertNoGrowth(final Sample end)
        {
            for (final Map.Entry<String, Long> entry : values.entrySet())
            {
                final long after = end.values.get(entry.getKey());
                assertTrue(after <= entry.getValue(), entry.getKey() + " grew from " + entry.getValue() + " to " +
                    after + " (warm " + values + ", end " + end.values + ")");
            }
        }

        @Override
        public String toString()
        {
            return values.toString();
        }
    }
}
