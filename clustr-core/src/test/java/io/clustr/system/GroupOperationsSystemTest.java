package io.clustr.system;

import io.clustr.ClustrException;
import io.clustr.LifecycleListener;
import io.clustr.Readiness;
import io.clustr.WorkerHandle;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.RespawnPolicy;
import io.clustr.spawn.SpawnOption;
import io.clustr.spawn.Spec;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Master.reload} and {@code Master.scale} through real worker JVMs: the replacement is ready (its "ready"
 * confirmation arrived) before the worker it replaces is asked to exit, every worker is replaced, the old ones are
 * not respawned even with an always-respawn policy; a replacement that never confirms is a failed start (stopped, the
 * old worker kept); scaling up waits for readiness, scaling down stops the newest.
 */
@InterruptAfter(150)
class GroupOperationsSystemTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final Map<Long, ExitStatus> exits = new ConcurrentHashMap<>();
    private ClusterFixture cluster;

    @BeforeEach
    void startCluster()
    {
        cluster = new ClusterFixture(watcher);
        cluster.master.onConfirmation(1, "ready", (confirmations) ->
            events.add("ready " + confirmations.get(0).senderId()));
        cluster.master.onLifecycle(new LifecycleListener()
        {
            public void onExit(final WorkerHandle worker, final ExitStatus status, final boolean respawning)
            {
                exits.put(worker.id(), status);
                events.add("exit " + worker.id() + (respawning ? " respawning" : ""));
            }

            public void onOperationStarted(final String operation, final String requestedBy)
            {
                events.add("started " + operation + " by " + requestedBy);
            }

            public void onOperationDone(
                final String operation, final String requestedBy, final boolean succeeded, final String outcome)
            {
                events.add((succeeded ? "done " : "failed ") + outcome);
            }
        });
    }

    @AfterEach
    void stopCluster()
    {
        cluster.close();
    }

    private static Spec web()
    {
        return Spec.spec(TestWorker.class.getName(), SpawnOption.args("web", "ready"),
            SpawnOption.respawn(RespawnPolicy.always()));
    }

    @Test
    void reloadReplacesEveryWorkerOneAtATimeReadyBeforeTheOldOneStops() throws Exception
    {
        cluster.master.readiness("web", Readiness.confirmation("ready").timeout(Duration.ofSeconds(30)));
        final List<WorkerHandle> old = cluster.spawnReady(web(), web(), web());
        cluster.spawnReady(ClusterFixture.worker("cache"));

        final List<WorkerHandle> replacements = cluster.master.reload("web").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(3, replacements.size());
        // exit events run on the master's duty cycle, after the future may have completed
        Tests.await(() -> old.stream().allMatch((worker) -> exits.containsKey(worker.id())), TIMEOUT,
            () -> "the old workers' exit events: " + events);
        for (int i = 0; i < old.size(); i++)
        {
            final long oldId = old.get(i).id();
            final long newId = replacements.get(i).id();
            final int ready = events.indexOf("ready " + newId);
            final int exit = events.indexOf("exit " + oldId);
            assertTrue(ready >= 0 && exit > ready, "replacement " + newId + " ready before " + oldId + " exited: " +
                events);
            assertEquals(0, exits.get(oldId).code(), exits.get(oldId).reason());
            if (i + 1 < old.size())
            {
                // one at a time: the next replacement is started only after this old worker has gone
                assertTrue(events.indexOf("ready " + replacements.get(i + 1).id()) > exit, events.toString());
            }
        }
        assertTrue(events.contains("started reload web by api"), events.toString());
        // lifecycle events run on the master's duty cycle, after the future may have completed
        Tests.await(() -> events.stream().anyMatch((e) -> e.startsWith("done reload web: done")), TIMEOUT,
            () -> "the done event: " + events);
        // never respawned, though their policy is always
        assertTrue(events.stream().noneMatch((e) -> e.endsWith("respawning")), events.toString());
        Tests.await(() -> 4 == cluster.master.workers().size(), TIMEOUT,
            () -> "3 web workers and the cache worker: " + cluster.master.workers());
    }

    @Test
    void aReplacementThatNeverConfirmsIsAFailedStartAndTheOldWorkerStays() throws Exception
    {
        cluster.master.readiness("web", Readiness.confirmation("never").timeout(Duration.ofSeconds(3)));
        final List<WorkerHandle> old = cluster.spawnReady(web(), web());

        final ExecutionException ex = assertThrows(ExecutionException.class,
            () -> cluster.master.reload("web").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));

        assertInstanceOf(ClustrException.class, ex.getCause());
        final String message = ex.getCause().getMessage();
        assertTrue(message.contains("did not confirm \"never\" within 3000 ms: a failed start: stopped it; " +
            "replacement of worker " + old.get(0).id() + " (0 of 2 replaced"), message);
        for (final WorkerHandle worker : old)
        {
            assertTrue(worker.isAlive() && !exits.containsKey(worker.id()), "old worker " + worker.id() +
                " still running: " + events);
        }
        Tests.await(() -> 2 == cluster.master.workers().size(), TIMEOUT,
            () -> "only the two old workers: " + cluster.master.workers());
        Tests.await(() -> events.stream().anyMatch((e) -> e.startsWith("failed reload web failed")), TIMEOUT,
            () -> "the failed event: " + events);
    }

    @Test
    void scaleUpWaitsForReadinessAndScaleDownStopsTheNewest() throws Exception
    {
        cluster.master.readiness("web", Readiness.confirmation("ready"));
        final List<WorkerHandle> first = cluster.spawnReady(web());

        final List<WorkerHandle> added = cluster.master.scale("web", 3).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(2, added.size());
        for (final WorkerHandle worker : added)
        {
            assertTrue(events.contains("ready " + worker.id()), events.toString());
        }

        final List<WorkerHandle> none = cluster.master.scale("web", 1).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(none.isEmpty());
        for (final WorkerHandle worker : added)
        {
            // the exit event runs on the master's duty cycle, after the future may have completed
            Tests.await(() -> exits.containsKey(worker.id()), TIMEOUT, () -> "exit of " + worker.id() + ": " + events);
            assertEquals(0, exits.get(worker.id()).code(), events.toString());
        }
        final List<Long> ids = new ArrayList<>();
        cluster.master.workers().forEach((w) -> ids.add(w.id()));
        assertEquals(List.of(first.get(0).id()), ids);
        assertTrue(events.stream().noneMatch((e) -> e.endsWith("respawning")), events.toString());

        // back up from the spec remembered
        final List<WorkerHandle> again = cluster.master.scale("web", 2).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1, again.size());
        assertNotEquals(first.get(0).id(), again.get(0).id());

        final ExecutionException unknown = assertThrows(ExecutionException.class,
            () -> cluster.master.scale("nope", 1).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(unknown.getCause().getMessage().contains("never spawned a worker of group 'nope'"),
            unknown.getCause().getMessage());
    }
}
