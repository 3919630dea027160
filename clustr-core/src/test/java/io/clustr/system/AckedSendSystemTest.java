package io.clustr.system;

import io.clustr.Channel;
import io.clustr.ClustrException;
import io.clustr.MemberInfo;
import io.clustr.MembershipListener;
import io.clustr.WorkerHandle;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.RespawnPolicy;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.respawn;
import static io.clustr.spawn.Spec.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acknowledged sends ({@code Node.send}) and cluster-wide membership events, through real worker processes.
 */
@InterruptAfter(120)
class AckedSendSystemTest
{
    private static final int SENDS = 200;

    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private ClusterFixture cluster;

    @BeforeEach
    void startCluster()
    {
        cluster = new ClusterFixture(watcher);
    }

    @AfterEach
    void stopCluster()
    {
        cluster.close();
    }

    @Test
    void shouldCompleteOnlyAfterTheTargetsHandlerRanOnTheMessage() throws Exception
    {
        final WorkerHandle worker = cluster.spawnReady(ClusterFixture.worker("web")).get(0);
        final Channel target = Channel.worker(worker.id());
        final List<CompletableFuture<Boolean>> seenBeforeAck = new ArrayList<>();

        for (int i = 0; i < SENDS; i++)
        {
            // The worker's handler reports each message to the master from inside the handler: that report must be
            // in the master's inbox when the ack completes the future (same stream, before the ack).
            final String report = "private|" + worker.id() + "|0||m" + i;
            seenBeforeAck.add(cluster.master.send(target, "m" + i)
                .thenApply((ignore) -> cluster.inbox.contains(report)));
        }

        for (int i = 0; i < SENDS; i++)
        {
            assertTrue(seenBeforeAck.get(i).get(30, TimeUnit.SECONDS), "the report of m" + i + " came before its ack");
        }
        assertEquals(SENDS, cluster.collectUntil((m) -> m.endsWith("|m" + (SENDS - 1)), 1).size());
    }

    @Test
    void shouldAcknowledgeASendFromAWorkerToTheMaster() throws Exception
    {
        final WorkerHandle worker = cluster.spawnReady(ClusterFixture.worker("web")).get(0);
        cluster.master.publish(Channel.worker(worker.id()), "send:0:hello-master");

        // the master's handler (the fixture's inbox) gets it, then the worker learns it was received
        assertEquals(List.of("hello-master", "sent|" + worker.id() + "|0|hello-master"),
            cluster.collectUntil((m) -> m.startsWith("sent|") || m.startsWith("send-failed|"), 1));
    }

    @Test
    void shouldFailAtOnceWhenTheTargetDiesBeforeAcknowledging() throws Exception
    {
        final WorkerHandle worker = cluster.spawnReady(
            spec(TestWorker.class.getName(), args("web", "ready"), respawn(RespawnPolicy.never()))).get(0);

        // the handler exits the process: the message is never acknowledged
        final CompletableFuture<Void> dying = cluster.master.send(Channel.worker(worker.id()), "exit:7");
        final ExecutionException failure = assertThrows(
            ExecutionException.class, () -> dying.get(30, TimeUnit.SECONDS));
        assertInstanceOf(ClustrException.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().contains("worker(" + worker.id() + ") left the cluster before " +
            "acknowledging"), failure.getCause().getMessage());

        // after the departure, a send fails before it returns
        final CompletableFuture<Void> late = cluster.master.send(Channel.worker(worker.id()), "late");
        assertTrue(late.isCompletedExceptionally(), "a send to a departed worker fails at once");
        final ExecutionException lateFailure = assertThrows(ExecutionException.class, late::get);
        assertTrue(lateFailure.getCause().getMessage().contains("has left the cluster"),
            lateFailure.getCause().getMessage());
    }

    @Test
    void shouldRefuseChannelsThatAreNotOneNode()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> cluster.master.send(Channel.PUBLIC, "x"));
        assertTrue(ex.getMessage().contains("Channel.worker(id)"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cluster.master.send(Channel.group("web"), "x"));
    }

    @Test
    void shouldTellEveryNodeOfJoinsAndLeavesWhoeverSpawnedTheMember() throws Exception
    {
        final ConcurrentLinkedQueue<String> masterEvents = new ConcurrentLinkedQueue<>();
        cluster.master.onMembership(new MembershipListener()
        {
            @Override
            public void onJoined(final MemberInfo member)
            {
                masterEvents.add("joined|" + member.id());
            }

            @Override
            public void onLeft(final long memberId, final ExitStatus status)
            {
                masterEvents.add("left|" + memberId + "|" + status.code());
            }
        });

        final WorkerHandle watcherWorker = cluster.spawnReady(ClusterFixture.worker("ops")).get(0);
        cluster.master.publish(Channel.worker(watcherWorker.id()), "watch");
        // the watcher is told of the current members first: itself
        assertEquals("member-joined|" + watcherWorker.id() + "|" + watcherWorker.id() + "|ops",
            cluster.await((m) -> m.startsWith("member-joined|")));

        final WorkerHandle other = cluster.spawnReady(
            spec(TestWorker.class.getName(), args("web", "ready"), respawn(RespawnPolicy.never()))).get(0);
        assertEquals("member-joined|" + watcherWorker.id() + "|" + other.id() + "|web",
            cluster.await((m) -> m.startsWith("member-joined|")));

        cluster.master.killWorker(other.id(), 5).get(30, TimeUnit.SECONDS);
        assertEquals("member-left|" + watcherWorker.id() + "|" + other.id() + "|5",
            cluster.await((m) -> m.startsWith("member-left|")));

        // sentinel: the master's listener saw both joins and the leave, in order, before this private round trip
        cluster.master.publish(Channel.worker(watcherWorker.id()), "sentinel");
        cluster.await((m) -> m.endsWith("|sentinel"));
        assertEquals(List.of("joined|" + watcherWorker.id(), "joined|" + other.id(), "left|" + other.id() + "|5"),
            new ArrayList<>(masterEvents));
    }
}
