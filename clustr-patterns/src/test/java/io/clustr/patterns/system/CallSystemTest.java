package io.clustr.patterns.system;

import io.clustr.WorkerHandle;
import io.clustr.patterns.call.CallClient;
import io.clustr.patterns.call.CallException;
import io.clustr.patterns.call.Reply;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls to worker functions through real worker processes: discovery at start-up, the in-flight limit, dispatch,
 * out-of-order replies, and each error path (remote exception, SIGKILLed worker with calls in flight, the waiting
 * bound, no server, timeouts).
 */
@InterruptAfter(180)
class CallSystemTest
{
    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private PatternCluster cluster;
    private CallClient calls;

    @BeforeEach
    void start()
    {
        cluster = new PatternCluster(watcher);
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

    @Test
    void shouldFindAServerStartedBeforeTheClientAndOneStartedAfterIt() throws Exception
    {
        final WorkerHandle before = cluster.spawnReady(PatternCluster.worker("md5", 1, "calls")).get(0);
        calls = CallClient.on(cluster.master).start();
        // right after start: the server answers the client's query (or its announcement arrives) before the call
        // can fail, since the worker is a member that has not announced yet to this client
        assertEquals(Long.toString(before.id()), get(calls.call("md5", "whoami", new byte[0])).text());

        final WorkerHandle after = cluster.spawnReady(PatternCluster.worker("web", 1, "calls")).get(0);
        assertEquals(Long.toString(after.id()), get(calls.call("web", "whoami", new byte[0])).text());

        final byte[] payload = new byte[3072];
        for (int i = 0; i < payload.length; i++)
        {
            payload[i] = (byte)i;
        }
        assertArrayEquals(payload, get(calls.call("md5", "echo", payload)).bytes());
    }

    @Test
    void shouldRunAtMostTheLimitAtOnceAndSpreadCallsOverTheWorkers() throws Exception
    {
        final List<WorkerHandle> workers = cluster.spawnReady(
            PatternCluster.worker("md5", 2, "calls"),
            PatternCluster.worker("md5", 2, "calls"),
            PatternCluster.worker("md5", 2, "calls"));
        calls = CallClient.on(cluster.master).start();
        io.clustr.test.Tests.await(() -> 3 == calls.serverCount("md5", "sleep"), PatternCluster.TIMEOUT, "3 servers");

        final List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 12; i++)
        {
            replies.add(calls.call("md5", "sleep", "1000"));
            assertTrue(calls.inFlight() <= 6, "never more in flight than the 6 slots: " + calls.inFlight());
        }

        final Map<String, Integer> perWorker = new HashMap<>();
        for (final CompletableFuture<Reply> reply : replies)
        {
            final String[] parts = get(reply).text().split("\\|");
            perWorker.merge(parts[0], 1, Integer::sum);
            assertTrue(Integer.parseInt(parts[1]) <= 2, "a worker ran more than its limit at once: " + parts[1]);
        }
        // the first 3 calls go to 3 different workers (most free slots); the rest wherever slots free first
        assertEquals(3, perWorker.size(), perWorker.toString());
        for (final WorkerHandle worker : workers)
        {
            assertTrue(perWorker.containsKey(Long.toString(worker.id())), perWorker.toString());
        }
    }

    @Test
    void shouldMatchRepliesThatComeBackOutOfOrder() throws Exception
    {
        cluster.spawnReady(PatternCluster.worker("md5", 2, "calls"));
        calls = CallClient.on(cluster.master).start();
        awaitServers("md5", "later");

        final List<String> completed = new CopyOnWriteArrayList<>();
        final CompletableFuture<Reply> slow = calls.call("md5", "later", "1000")
            .whenComplete((r, e) -> completed.add("slow"));
        final CompletableFuture<Reply> fast = calls.call("md5", "later", "10")
            .whenComplete((r, e) -> completed.add("fast"));
        get(slow);
        get(fast);
        assertEquals(List.of("fast", "slow"), completed);
    }

    @Test
    void shouldFailWithTheRemoteExceptionsClassAndMessage() throws Exception
    {
        final WorkerHandle worker = cluster.spawnReady(PatternCluster.worker("md5", 1, "calls")).get(0);
        calls = CallClient.on(cluster.master).start();
        awaitServers("md5", "boom");

        final CallException error = failure(calls.call("md5", "boom", "x"));
        assertEquals(CallException.Kind.REMOTE, error.kind());
        assertEquals("java.lang.IllegalStateException", error.remoteType());
        assertEquals("boom on worker " + worker.id() + " threw java.lang.IllegalStateException: boom: x",
            error.getMessage());
        // the worker is fine and its slot free
        assertEquals(Long.toString(worker.id()), get(calls.call("md5", "whoami", new byte[0])).text());
    }

    @Test
    void shouldFailTheCallsInFlightOfAKilledWorkerAtOnceAndSendItsQueuedCallsToTheOthers() throws Exception
    {
        final WorkerHandle victim = cluster.spawnReady(PatternCluster.worker("md5", 1, "calls")).get(0);
        calls = CallClient.on(cluster.master).start();
        awaitServers("md5", "sleep");
        final CompletableFuture<Reply> onVictim = calls.call("md5", "sleep", "60000");

        final WorkerHandle survivor = cluster.spawnReady(PatternCluster.worker("md5", 1, "calls")).get(0);
        io.clustr.test.Tests.await(() -> calls.inFlight() == 1 && serverCount() == 2, PatternCluster.TIMEOUT,
            "the second server known");
        final CompletableFuture<Reply> onSurvivor = calls.call("md5", "sleep", "1500");
        final CompletableFuture<Reply> queued1 = calls.call("md5", "whoami", new byte[0]);
        final CompletableFuture<Reply> queued2 = calls.call("md5", "whoami", new byte[0]);
        assertEquals(2, calls.queued(), "both slots taken");

        PatternCluster.sigkill(victim);
        final CallException error = failure(onVictim);
        assertEquals(CallException.Kind.WORKER_LEFT, error.kind());
        assertTrue(error.getMessage().startsWith("worker " + victim.id() + " of group md5 left the cluster with call " +
            "sleep in flight"), error.getMessage());
        assertFalse(onSurvivor.isDone(), "the victim's call failed while the survivor's was still running");

        assertEquals(survivor.id() + "|1", get(onSurvivor).text());
        assertEquals(Long.toString(survivor.id()), get(queued1).text());
        assertEquals(Long.toString(survivor.id()), get(queued2).text());
    }

    private int serverCount()
    {
        return calls.serverCount("md5", "sleep");
    }

    @Test
    void shouldFailAtOnceWhenTheWaitingBoundIsReached() throws Exception
    {
        cluster.spawnReady(PatternCluster.worker("md5", 1, "calls"));
        calls = CallClient.on(cluster.master).maxQueued(2).start();
        awaitServers("md5", "sleep");

        final CompletableFuture<Reply> running = calls.call("md5", "sleep", "500");
        final CompletableFuture<Reply> waiting1 = calls.call("md5", "whoami", new byte[0]);
        final CompletableFuture<Reply> waiting2 = calls.call("md5", "whoami", new byte[0]);
        final CompletableFuture<Reply> refused = calls.call("md5", "whoami", new byte[0]);
        assertTrue(refused.isCompletedExceptionally(), "refused before call returns");
        final CallException error = failure(refused);
        assertEquals(CallException.Kind.QUEUE_FULL, error.kind());
        assertTrue(error.getMessage().contains("2 calls already wait"), error.getMessage());
        get(running);
        get(waiting1);
        get(waiting2);
    }

    @Test
    void shouldFailAtOnceWhenNoWorkerOfTheGroupServesTheFunction() throws Exception
    {
        cluster.spawnReady(PatternCluster.worker("md5", 1, "calls"));
        calls = CallClient.on(cluster.master).start();
        awaitServers("md5", "whoami");

        final CompletableFuture<Reply> noFunction = calls.call("md5", "sha1", new byte[0]);
        assertTrue(noFunction.isDone(), "fails before call returns");
        final CallException error = failure(noFunction);
        assertEquals(CallException.Kind.NO_SERVER, error.kind());
        assertTrue(error.getMessage().startsWith("no worker of group md5 serves sha1"), error.getMessage());

        final CompletableFuture<Reply> noGroup = calls.call("nobody", "whoami", new byte[0]);
        assertTrue(noGroup.isDone());
        assertEquals(CallException.Kind.NO_SERVER, failure(noGroup).kind());
    }

    @Test
    void shouldTimeOutAndKeepTheSlotUntilTheLateReply() throws Exception
    {
        final WorkerHandle worker = cluster.spawnReady(PatternCluster.worker("md5", 1, "calls")).get(0);
        calls = CallClient.on(cluster.master).start();
        awaitServers("md5", "sleep");

        final CallException error = failure(calls.call("md5", "sleep", "1500".getBytes(), Duration.ofMillis(200)));
        assertEquals(CallException.Kind.TIMEOUT, error.kind());
        assertTrue(error.getMessage().startsWith("no reply to sleep from worker " + worker.id()), error.getMessage());

        // the worker still runs it: the next call waits for the slot, and a queued call can time out too
        final CallException queued = failure(calls.call("md5", "whoami", new byte[0], Duration.ofMillis(100)));
        assertEquals(CallException.Kind.TIMEOUT, queued.kind());
        assertTrue(queued.getMessage().contains("never sent"), queued.getMessage());
        assertEquals(Long.toString(worker.id()), get(calls.call("md5", "whoami", new byte[0])).text());
    }

    @Test
    void shouldKeepTheWorkersLimitWithSeveralCallers() throws Exception
    {
        cluster.spawnReady(PatternCluster.worker("md5", 1, "calls"));
        calls = CallClient.on(cluster.master).start();
        try (CallClient other = CallClient.on(cluster.master).start())
        {
            awaitServers("md5", "sleep");
            awaitServer(other, "md5", "sleep");
            final List<CompletableFuture<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                replies.add(calls.call("md5", "sleep", "100"));
                replies.add(other.call("md5", "sleep", "100"));
            }
            for (final CompletableFuture<Reply> reply : replies)
            {
                assertTrue(get(reply).text().endsWith("|1"), "the worker ran more than 1 at once");
            }
        }
    }

    private void awaitServers(final String group, final String function)
    {
        awaitServer(calls, group, function);
    }

    static void awaitServer(final CallClient client, final String group, final String function)
    {
        io.clustr.test.Tests.await(() -> client.hasServer(group, function), PatternCluster.TIMEOUT,
            () -> "a server of " + group + "/" + function);
    }

    static Reply get(final CompletableFuture<Reply> future) throws Exception
    {
        return future.get(30, TimeUnit.SECONDS);
    }

    static CallException failure(final CompletableFuture<Reply> future)
    {
        final ExecutionException ex = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        return assertInstanceOf(CallException.class, ex.getCause());
    }
}
