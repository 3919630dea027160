package io.clustr.system;

import io.aeron.Aeron;
import io.clustr.Channel;
import io.clustr.ClustrCounters;
import io.clustr.WorkerHandle;
import io.clustr.WorkerInfo;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.RespawnPolicy;
import io.clustr.spawn.SpawnOption;
import io.clustr.spawn.Spec;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8: one slow, stalled or dead subscriber never freezes the others. Three {@link GapWorker}s receive the public
 * stream, which the master (in the test JVM, not subscribed itself) publishes at full rate from one thread; each
 * worker measures the longest interval between two consecutive messages it receives, and the publisher its longest
 * {@code publish} call. The promise is a gap under a second (the driver cuts a subscriber loose after 300 ms behind
 * plus 100 ms of linger, checked on its 100 ms timer).
 */
@InterruptAfter(180)
class SlowConsumerSystemTest
{
    private static final long GAP_LIMIT_MS = 1_000;
    private static final long STALL_MS = 30_000;

    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private ClusterFixture cluster;
    private Publisher publisher;

    @AfterEach
    void after() throws InterruptedException
    {
        if (null != publisher)
        {
            publisher.stop();
        }
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @Test
    void shouldCutLooseAStalledSubscriberAndResumeItOnTheLiveStream() throws Exception
    {
        cluster = new ClusterFixture(watcher);
        final List<WorkerHandle> workers = spawnGapWorkers(3);
        final WorkerHandle stalled = workers.get(2);

        publisher = new Publisher(cluster);
        Tests.sleep(2_000);
        publisher.command("stall:" + stalled.id() + ":" + STALL_MS);
        awaitReport(("recovered|" + stalled.id())::equals, Duration.ofMillis(STALL_MS + 30_000));
        Tests.sleep(2_000);
        publisher.command("sentinel:1");

        final Map<Long, String[]> stats = new HashMap<>();
        String missed = null;
        while (stats.size() < workers.size() || null == missed)
        {
            final String report = cluster.await((m) -> m.startsWith("stats|") || m.startsWith("missed|"));
            final String[] fields = report.split("\\|");
            if (report.startsWith("stats|"))
            {
                stats.put(Long.parseLong(fields[1]), fields);
            }
            else if (Long.parseLong(fields[1]) == stalled.id())
            {
                missed = report;
            }
        }
        final long longestPublishMs = publisher.stop();
        System.out.println("slow consumer: longest publish " + longestPublishMs + " ms, " + publisher.published +
            " published; " + describe(stats) + "; " + missed);

        assertTrue(longestPublishMs < GAP_LIMIT_MS, "longest publish call " + longestPublishMs + " ms");
        for (final WorkerHandle worker : workers)
        {
            final String[] fields = stats.get(worker.id());
            final long gapMs = Long.parseLong(fields[4]);
            assertTrue(gapMs < GAP_LIMIT_MS, "worker " + worker.id() + (worker == stalled ?
                " (stalled): from its recovery to its next message " : ": longest gap ") + gapMs + " ms");
        }

        final String[] stalledStats = stats.get(stalled.id());
        final long missedEvents = Long.parseLong(stalledStats[5]);
        final long bytesMissed = Long.parseLong(stalledStats[6]);
        assertTrue(missedEvents >= 1, "onMissed fired: " + String.join("|", stalledStats));
        assertTrue(bytesMissed > 0, "bytes missed: " + String.join("|", stalledStats));
        assertTrue(Long.parseLong(stalledStats[7]) > 0, "stream messages received after recovering");
        assertEquals("PUBLIC", missed.split("\\|")[2]);
        // The healthy workers are not asserted never to be cut loose: with a publisher saturating two cores the
        // slowest subscriber sits near the window limit, and one that stays 3/4 of a window behind the fastest for
        // 300 ms is cut loose too (it resumes at once and is told, like the stalled one); the test prints it.

        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(cluster.aeronDir)))
        {
            // The counters are read after the worker's report: on a loaded machine the still-streaming worker may
            // have been cut loose again since, so they hold at least what it reported, never less.
            final long cutLooseCounter =
                ClustrCounters.read(aeron.countersReader(), ClustrCounters.CUT_LOOSE_TYPE_ID, stalled.id());
            final long bytesMissedCounter =
                ClustrCounters.read(aeron.countersReader(), ClustrCounters.BYTES_MISSED_TYPE_ID, stalled.id());
            assertTrue(cutLooseCounter >= missedEvents, "cut-loose counter " + cutLooseCounter + " < reported " +
                missedEvents);
            assertTrue(bytesMissedCounter >= bytesMissed, "bytes-missed counter " + bytesMissedCounter +
                " < reported " + bytesMissed);
        }

        assertTrue(cluster.master.workers().stream().map(WorkerInfo::id).anyMatch((id) -> id == stalled.id()),
            "the stalled worker is still a member: " + cluster.master.workers());
        cluster.close();
        cluster = null;
        for (final WorkerHandle worker : workers)
        {
            final ExitStatus status = worker.onExit().get(30, TimeUnit.SECONDS);
            assertEquals(0, status.code(), worker + ": " + status.reason());
        }
    }

    @Test
    void shouldNotHoldUpTheStreamForASubscriberKilledMidStream() throws Exception
    {
        cluster = new ClusterFixture(watcher);
        final List<WorkerHandle> workers = spawnGapWorkers(3);
        final WorkerHandle killed = workers.get(2);

        publisher = new Publisher(cluster);
        Tests.sleep(2_000);
        assertTrue(ProcessHandle.of(killed.pid()).orElseThrow().destroyForcibly(), "SIGKILL sent");
        final ExitStatus status = killed.onExit().get(30, TimeUnit.SECONDS);
        assertEquals(9, status.signal(), status.reason());

        // past the driver's 10 s client timeout, when it finally removes the dead client's subscription
        Tests.sleep(13_000);
        publisher.command("sentinel:1");
        final Map<Long, String[]> stats = new HashMap<>();
        while (stats.size() < workers.size() - 1)
        {
            final String[] fields = cluster.await((m) -> m.startsWith("stats|")).split("\\|");
            stats.put(Long.parseLong(fields[1]), fields);
        }
        final long longestPublishMs = publisher.stop();
        System.out.println("killed subscriber: longest publish " + longestPublishMs + " ms, " +
            publisher.published + " published; " + describe(stats));

        assertTrue(longestPublishMs < GAP_LIMIT_MS, "longest publish call " + longestPublishMs + " ms");
        for (final WorkerHandle worker : workers.subList(0, 2))
        {
            final long gapMs = Long.parseLong(stats.get(worker.id())[4]);
            assertTrue(gapMs < GAP_LIMIT_MS, "worker " + worker.id() + ": longest gap " + gapMs + " ms");
        }
    }

    private void awaitReport(final Predicate<String> predicate, final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!predicate.test(Tests.poll(cluster.inbox, Duration.ofNanos(Math.max(0, deadlineNs - System.nanoTime())),
            () -> "a matching report; left in inbox: " + cluster.inbox)))
        {
            Tests.checkInterrupt("waiting for a report");
        }
    }

    private List<WorkerHandle> spawnGapWorkers(final int count)
    {
        final List<Spec> specs = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            specs.add(Spec.spec(GapWorker.class.getName(), SpawnOption.respawn(RespawnPolicy.never())));
        }

        return cluster.spawnReady(specs.toArray(new Spec[0]));
    }

    private static String describe(final Map<Long, String[]> stats)
    {
        final StringBuilder builder = new StringBuilder();
        stats.forEach((id, fields) -> builder.append("worker ").append(id).append(": ").append(fields[3])
            .append(" messages, longest gap ").append(fields[4]).append(" ms, missed ").append(fields[5])
            .append(" times ").append(fields[6]).append(" bytes, ").append(fields[7]).append(" after recovery; "));
        return builder.toString();
    }

    /**
     * Publishes 8-byte sequence numbers to the public stream as fast as it can from one thread, and the commands it
     * is given in between (so they are ordered with the stream); records its longest publish call.
     */
    static final class Publisher
    {
        private final Queue<String> commands = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private volatile boolean isRunning = true;
        private volatile long longestPublishNs;
        private volatile Throwable failure;
        volatile long published;

        Publisher(final ClusterFixture cluster)
        {
            thread = new Thread(() ->
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
                long longestNs = 0;
                long sequence = 0;
                try
                {
                    while (isRunning)
                    {
                        final String command = commands.poll();
                        final long startNs = System.nanoTime();
                        if (null != command)
                        {
                            cluster.master.publish(Channel.PUBLIC, command);
                        }
                        else
                        {
                            buffer.putLong(0, sequence++);
                            cluster.master.publish(Channel.PUBLIC, buffer, 0, 8);
                        }
                        final long durationNs = System.nanoTime() - startNs;
                        if (durationNs > longestNs)
                        {
                            longestNs = durationNs;
                            longestPublishNs = durationNs;
                        }
                        if (0 == (sequence & 1023))
                        {
                            published = sequence;
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    failure = ex;
                }
                published = sequence;
            }, "test-publisher");
            thread.start();
        }

        void command(final String command)
        {
            commands.add(command);
        }

        /**
         * @return the longest publish call, in ms.
         */
        long stop() throws InterruptedException
        {
            isRunning = false;
            thread.join(TimeUnit.SECONDS.toMillis(30));
            if (null != failure)
            {
                throw new AssertionError("the publisher failed", failure);
            }
            return TimeUnit.NANOSECONDS.toMillis(longestPublishNs);
        }
    }
}
