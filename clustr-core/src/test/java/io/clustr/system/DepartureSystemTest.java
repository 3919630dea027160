package io.clustr.system;

import io.clustr.Channel;
import io.clustr.ClustrException;
import io.clustr.LifecycleListener;
import io.clustr.WorkerHandle;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.RespawnPolicy;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.respawn;
import static io.clustr.spawn.Spec.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker that has left is gone for publishers at once: a private publish to it fails with a clear error from the
 * moment its exit event is delivered, inside the event and after it, and its route is never re-created.
 */
@InterruptAfter(90)
class DepartureSystemTest
{
    private static final int ROUNDS = 5;

    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private ClusterFixture cluster;
    private final ConcurrentHashMap<Long, CompletableFuture<String>> insideExitEvent = new ConcurrentHashMap<>();

    @BeforeEach
    void startCluster()
    {
        cluster = new ClusterFixture(watcher);
        cluster.master.onLifecycle(new LifecycleListener()
        {
            @Override
            public void onExit(final WorkerHandle worker, final ExitStatus status, final boolean respawning)
            {
                // On the duty-cycle thread, in the event itself: the route must already refuse the departed worker.
                final CompletableFuture<String> result = insideExitEvent.computeIfAbsent(
                    worker.id(), (id) -> new CompletableFuture<>());
                try
                {
                    cluster.master.tryPublish(Channel.worker(worker.id()), new org.agrona.concurrent.UnsafeBuffer(
                        new byte[8]), 0, 8);
                    result.complete("published");
                }
                catch (final ClustrException ex)
                {
                    result.complete(ex.getMessage());
                }
            }
        });
    }

    @AfterEach
    void stopCluster()
    {
        cluster.close();
    }

    @Test
    void shouldFailAPrivatePublishToAWorkerRightAfterItsExitEventEveryTime() throws Exception
    {
        for (int round = 0; round < ROUNDS; round++)
        {
            final WorkerHandle worker = cluster.spawnReady(
                spec(TestWorker.class.getName(), args("web", "ready"), respawn(RespawnPolicy.never()))).get(0);
            final Channel channel = Channel.worker(worker.id());
            cluster.master.publish(channel, "before-kill");
            assertEquals("private|" + worker.id() + "|0||before-kill",
                cluster.await((m) -> m.endsWith("|before-kill")));

            ProcessHandle.of(worker.pid()).orElseThrow().destroyForcibly();
            final String inside = insideExitEvent.computeIfAbsent(worker.id(), (id) -> new CompletableFuture<>())
                .get(30, TimeUnit.SECONDS);
            assertTrue(inside.contains("has left the cluster"), "round " + round + ", inside onExit: " + inside);

            final ClustrException after = assertThrows(ClustrException.class,
                () -> cluster.master.publish(channel, "after-exit"), "round " + round);
            assertTrue(after.getMessage().contains("worker(" + worker.id() + "): it has left the cluster"),
                after.getMessage());
            assertThrows(ClustrException.class, () -> cluster.master.publish(channel, new byte[2000]),
                "a fragmented message to a departed worker fails the same way");
        }

        // the cluster goes on: a fresh worker gets what the master sends
        final List<WorkerHandle> fresh = cluster.spawnReady(ClusterFixture.worker("web"));
        cluster.master.publish(Channel.worker(fresh.get(0).id()), "sentinel");
        assertEquals("private|" + fresh.get(0).id() + "|0||sentinel", cluster.await((m) -> m.endsWith("|sentinel")));
    }
}
