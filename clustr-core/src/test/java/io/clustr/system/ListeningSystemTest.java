package io.clustr.system;

import io.clustr.Channel;
import io.clustr.LifecycleListener;
import io.clustr.WorkerHandle;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The {@code listening} lifecycle event through real worker JVMs: a worker's {@code announceListening} reaches the
 * node that spawned it, after its {@code onOnline}, once per announcement and in order, with the worker's handle;
 * a grandchild's announcement reaches its own parent (a worker), not the master.
 */
@InterruptAfter(90)
class ListeningSystemTest
{
    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<WorkerHandle> listeningHandles = new CopyOnWriteArrayList<>();
    private ClusterFixture cluster;

    @BeforeEach
    void startCluster()
    {
        cluster = new ClusterFixture(watcher);
        cluster.master.onLifecycle(new LifecycleListener()
        {
            @Override
            public void onOnline(final WorkerHandle worker)
            {
                events.add("online " + worker.id());
            }

            @Override
            public void onListening(final WorkerHandle worker, final InetSocketAddress address)
            {
                listeningHandles.add(worker);
                events.add("listening " + worker.id() + " " + address);
            }
        });
    }

    @AfterEach
    void stopCluster()
    {
        cluster.close();
    }

    @Test
    void shouldTellTheParentOfEachAnnouncementInOrderAfterOnline() throws Exception
    {
        final WorkerHandle worker = cluster.spawnReady(ClusterFixture.worker("web")).get(0);
        cluster.master.publish(Channel.worker(worker.id()), "listen:8080:127.0.0.1");
        cluster.master.publish(Channel.worker(worker.id()), "listen:8081:::");

        // the listener adds the handle before the event: wait for both, or the last event may still be on its way
        Tests.await(() -> listeningHandles.size() >= 2 && events.size() >= 3, ClusterFixture.TIMEOUT,
            () -> "two listening events: " + events);

        final InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080);
        final InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::"), 8081);
        assertEquals(List.of(
            "online " + worker.id(),
            "listening " + worker.id() + " " + v4,
            "listening " + worker.id() + " " + v6), events);
        assertEquals(List.of(worker, worker), listeningHandles, "the handle spawn returned");
    }

    @Test
    void shouldTellAGrandchildsAnnouncementToItsParentAndNotToTheMaster() throws Exception
    {
        final WorkerHandle parent = cluster.spawnReady(ClusterFixture.worker("web")).get(0);
        cluster.master.publish(Channel.worker(parent.id()), "spawn:cache");
        final long childId = Long.parseLong(cluster.await((m) -> m.startsWith("spawned|")).split("\\|")[2]);
        cluster.awaitReady(childId);

        cluster.master.publish(Channel.worker(childId), "listen:9000:127.0.0.1");
        assertEquals("child-listening|" + parent.id() + "|" + childId + "|/127.0.0.1:9000",
            cluster.await((m) -> m.startsWith("child-listening|")));

        // The sentinel: the parent announces after it has seen its child's announcement, so the parent's frame comes
        // later on the control stream and the master has seen (and ignored) the grandchild's when it sees this one.
        cluster.master.publish(Channel.worker(parent.id()), "listen:9001:127.0.0.1");
        Tests.await(() -> !listeningHandles.isEmpty(), ClusterFixture.TIMEOUT, () -> "the parent's announcement: " +
            events);

        final InetSocketAddress sentinel = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9001);
        assertEquals(List.of("online " + parent.id(), "listening " + parent.id() + " " + sentinel), events);
    }
}
