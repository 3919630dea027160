package io.clustr.patterns.system;

import io.clustr.WorkerHandle;
import io.clustr.patterns.call.CallClient;
import io.clustr.patterns.call.CallException;
import io.clustr.patterns.job.JobBatch;
import io.clustr.patterns.job.JobFailure;
import io.clustr.patterns.job.JobQueues;
import io.clustr.patterns.job.JobResult;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Job queues through real worker processes: fire-and-forget jobs each run exactly once, batches in completion and
 * input order with failed items, several queues, and jobs of a SIGKILLed worker run again once elsewhere.
 */
@InterruptAfter(180)
class JobSystemTest
{
    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private PatternCluster cluster;
    private CallClient calls;
    private JobQueues jobs;
    private List<WorkerHandle> handles;
    private final Map<String, String> recorded = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<String> duplicates = new LinkedBlockingQueue<>();

    @BeforeEach
    void start()
    {
        cluster = new PatternCluster(watcher);
        cluster.master.onPrivate((msg) ->
        {
            final String[] parts = msg.text().split("\\|");
            if (null != recorded.put(parts[2], parts[1]))
            {
                duplicates.add(parts[2]);
            }
        });
    }

    @AfterEach
    void stop()
    {
        if (null != calls)
        {
            calls.close();
        }
        cluster.close();
    }

    private void startJobs(final int workers, final int retries)
    {
        final io.clustr.spawn.Spec[] specs = new io.clustr.spawn.Spec[workers];
        for (int i = 0; i < workers; i++)
        {
            specs[i] = PatternCluster.worker("jobs", 1, "jobs");
        }
        handles = cluster.spawnReady(specs);
        calls = CallClient.on(cluster.master).start();
        Tests.await(() -> workers == calls.serverCount(CallClient.ANY_GROUP, "q/sleep"), PatternCluster.TIMEOUT,
            () -> workers + " job workers");
        jobs = JobQueues.on(calls).retries(retries);
    }

    @Test
    void shouldRunEachSubmittedJobOnExactlyOneWorker()
    {
        startJobs(3, 1);
        final List<JobFailure> failures = new ArrayList<>();
        jobs.onFailure(failures::add);
        for (int i = 0; i < 300; i++)
        {
            jobs.submit("q", "record", "job-" + i);
        }
        jobs.submit("q", "record", "sentinel");
        Tests.await(() -> recorded.containsKey("sentinel") && 301 == recorded.size() && 0 == calls.inFlight(),
            PatternCluster.TIMEOUT, () -> "301 jobs recorded, got " + recorded.size());
        assertTrue(duplicates.isEmpty(), "jobs run twice: " + duplicates);
        assertTrue(new HashSet<>(recorded.values()).size() > 1, "more than one worker took jobs");
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    void shouldYieldResultsInCompletionOrderWithFailedItemsAndInInputOrderWhenOrdered()
    {
        startJobs(3, 1);
        final List<byte[]> inputs = bytes("1500", "fail-me", "10", "700");

        final List<Integer> order = new ArrayList<>();
        JobResult failed = null;
        for (final JobResult result : jobs.batch("q", "sleep", inputs))
        {
            order.add(result.index());
            if (!result.isSuccess())
            {
                failed = result;
            }
        }
        assertEquals(4, order.size());
        assertEquals(0, order.get(3), "the longest job comes last: " + order);
        assertTrue(order.indexOf(3) > order.indexOf(2), "700 ms after 10 ms: " + order);
        assertEquals(1, failed.index());
        assertNull(failed.value());
        assertEquals(CallException.Kind.REMOTE, failed.error().kind());
        assertEquals("java.lang.IllegalArgumentException", failed.error().remoteType());
        assertTrue(failed.error().getMessage().endsWith("cannot sleep fail-me"), failed.error().getMessage());

        final JobBatch ordered = jobs.batchOrdered("q", "sleep", inputs);
        final List<JobResult> results = ordered.await();
        for (int i = 0; i < results.size(); i++)
        {
            assertEquals(i, results.get(i).index());
        }
        assertTrue(results.get(0).isSuccess() && !results.get(1).isSuccess() && results.get(2).isSuccess());
    }

    @Test
    void shouldKeepQueuesApartAndFailAtOnceForAQueueNobodyHandles()
    {
        startJobs(1, 1);
        final List<JobResult> other = jobs.batch("other", "whoami", bytes("")).await();
        assertTrue(other.get(0).text().startsWith("other:"), other.get(0).text());
        final CallException error = assertThrows(CallException.class, () -> jobs.submit("nobody", "whoami", "x"));
        assertEquals(CallException.Kind.NO_SERVER, error.kind());
        assertTrue(error.getMessage().startsWith("no worker of any group serves nobody/whoami"), error.getMessage());
    }

    @Test
    void shouldRunTheJobOfAKilledWorkerAgainOnAnotherOnce()
    {
        startJobs(2, 1);
        final List<byte[]> inputs = bytes("3000", "3000");
        final JobBatch batch = jobs.batch("q", "sleep", inputs);
        Tests.await(() -> 2 == calls.inFlight(), PatternCluster.TIMEOUT, "both jobs running");
        final List<WorkerHandle> workers = workers();
        PatternCluster.sigkill(workers.get(0));

        final List<JobResult> results = batch.await();
        final Set<Integer> attempts = new HashSet<>();
        for (final JobResult result : results)
        {
            assertTrue(result.isSuccess(), String.valueOf(result.error()));
            assertEquals(workers.get(1).id(), result.workerId());
            attempts.add(result.attempts());
        }
        assertEquals(Set.of(1, 2), attempts, "one job ran once, the killed worker's twice");
    }

    @Test
    void shouldFailTheJobOfAKilledWorkerWithoutRetries()
    {
        startJobs(2, 0);
        final JobBatch batch = jobs.batch("q", "sleep", bytes("3000", "3000"));
        Tests.await(() -> 2 == calls.inFlight(), PatternCluster.TIMEOUT, "both jobs running");
        final WorkerHandle victim = workers().get(0);
        PatternCluster.sigkill(victim);

        int failed = 0;
        for (final JobResult result : batch)
        {
            if (!result.isSuccess())
            {
                failed++;
                assertEquals(CallException.Kind.WORKER_LEFT, result.error().kind());
                assertTrue(result.error().getMessage().startsWith("worker " + victim.id() + " "),
                    result.error().getMessage());
            }
        }
        assertEquals(1, failed);
    }

    private List<WorkerHandle> workers()
    {
        return handles;
    }

    private static List<byte[]> bytes(final String... texts)
    {
        final List<byte[]> list = new ArrayList<>();
        for (final String text : texts)
        {
            list.add(text.getBytes(StandardCharsets.UTF_8));
        }
        return list;
    }
}
