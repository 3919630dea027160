package io.clustr.system;

import io.clustr.Channel;
import io.clustr.WorkerHandle;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.clustr.system.ClusterFixture.worker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A master in this JVM and three worker JVMs (two of group "web", one of group "cache") on one media driver.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@InterruptAfter(60)
class MessagingSystemTest
{
    @RegisterExtension
    static final DriverErrorLogWatcher WATCHER = new DriverErrorLogWatcher();

    private final AtomicInteger sentinels = new AtomicInteger();
    private final AtomicInteger readyFired = new AtomicInteger();
    private final AtomicInteger freshReadyRounds = new AtomicInteger();
    private ClusterFixture cluster;
    private WorkerHandle web1;
    private WorkerHandle web2;
    private WorkerHandle cache;

    @BeforeAll
    void startCluster()
    {
        cluster = new ClusterFixture(WATCHER);
        cluster.master.onConfirmation(3, "ready", readyFired::incrementAndGet);
        final List<WorkerHandle> workers = cluster.spawnReady(worker("web"), worker("web"), worker("cache"));
        web1 = workers.get(0);
        web2 = workers.get(1);
        cache = workers.get(2);
        awaitValue(readyFired, 1);
    }

    @Test
    void shouldFireReadyExactlyOnceForThreeWorkers()
    {
        awaitConfirmationSentinel(web1, web2, cache);
        assertEquals(1, readyFired.get() - freshReadyRounds.get(), "3 ready confirmations fired once");
    }

    @AfterAll
    void stopCluster()
    {
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @Test
    void shouldDeliverPublicMessageToEveryWorkerExactlyOnce()
    {
        cluster.master.publish(Channel.PUBLIC, "hello-public");
        cluster.master.publish(Channel.PUBLIC, "sentinel-public");

        final List<String> reports = cluster.collectUntil((m) -> m.startsWith("public|") &&
            m.endsWith("|sentinel-public"), 3);
        final List<String> hellos = reports.stream().filter((m) -> m.endsWith("|hello-public"))
            .collect(Collectors.toList());

        assertEquals(3, hellos.size(), reports.toString());
        assertEquals(
            List.of(web1.id(), web2.id(), cache.id()).stream().sorted().collect(Collectors.toList()),
            hellos.stream().map((m) -> Long.parseLong(m.split("\\|")[1])).sorted().collect(Collectors.toList()));
        hellos.forEach((m) -> assertEquals("public", m.split("\\|")[0]));
        hellos.forEach((m) -> assertEquals("0", m.split("\\|")[2], "sender is the master"));
    }

    @Test
    void shouldDeliverGroupMessageOnlyToThatGroup()
    {
        cluster.master.publish(Channel.group("web"), "hello-web");
        cluster.master.publish(Channel.group("web"), "sentinel-web");
        cluster.master.publish(Channel.group("cache"), "sentinel-cache");

        final List<String> reports = cluster.collectUntil((m) -> m.endsWith("|sentinel-web") ||
            m.endsWith("|sentinel-cache"), 3);
        final List<String> hellos = reports.stream().filter((m) -> m.endsWith("|hello-web"))
            .collect(Collectors.toList());

        assertEquals(2, hellos.size(), reports.toString());
        assertEquals(
            List.of(web1.id(), web2.id()).stream().sorted().collect(Collectors.toList()),
            hellos.stream().map((m) -> Long.parseLong(m.split("\\|")[1])).sorted().collect(Collectors.toList()));
        hellos.forEach((m) -> assertEquals("group", m.split("\\|")[0]));
    }

    @Test
    void shouldDeliverPrivateMessageOnlyToItsTarget()
    {
        cluster.master.publish(Channel.worker(cache.id()), "hello-private");
        for (final WorkerHandle w : List.of(web1, web2, cache))
        {
            cluster.master.publish(Channel.worker(w.id()), "sentinel-private");
        }

        final List<String> reports = cluster.collectUntil((m) -> m.endsWith("|sentinel-private"), 3);
        final List<String> hellos = reports.stream().filter((m) -> m.endsWith("|hello-private"))
            .collect(Collectors.toList());

        assertEquals(List.of("private|" + cache.id() + "|0||hello-private"), hellos);
    }

    @Test
    void shouldLetWorkersPublishToOtherGroupsAndWorkers()
    {
        cluster.master.publish(Channel.worker(web1.id()), "publish:group:cache:from-web1");
        final String groupReport = cluster.await((m) -> m.endsWith("|from-web1"));
        assertEquals("group|" + cache.id() + "|" + web1.id() + "|web|from-web1", groupReport);

        cluster.master.publish(Channel.worker(web2.id()), "publish:worker:" + web1.id() + ":direct");
        final String privateReport = cluster.await((m) -> m.endsWith("|direct"));
        assertEquals("private|" + web1.id() + "|" + web2.id() + "|web|direct", privateReport);
    }

    @Test
    void shouldDeliverTheFirstMessageOnAGroupStreamTheSenderHasNeverUsed()
    {
        // The first publish to a group adds its publication; the driver reports a new publication as not connected
        // until its next duty cycle, which must not be mistaken for "nobody subscribes".
        final List<WorkerHandle> fresh = cluster.spawnReady(worker("fresh1"), worker("fresh2"), worker("fresh3"));
        freshReadyRounds.incrementAndGet();
        awaitValue(readyFired, 1 + freshReadyRounds.get());
        for (int i = 1; i <= 3; i++)
        {
            cluster.master.publish(Channel.group("fresh" + i), "first-" + i);
        }

        final List<String> reports = cluster.collectUntil((m) -> m.contains("|first-"), 3);
        for (int i = 0; i < 3; i++)
        {
            assertTrue(reports.contains("group|" + fresh.get(i).id() + "|0||first-" + (i + 1)), reports.toString());
        }
        for (final WorkerHandle w : fresh)
        {
            w.kill(0).join();
        }
    }

    @Test
    void shouldFireConfirmationOnceEveryCountAndOnlyForItsId()
    {
        final AtomicInteger goFired = new AtomicInteger();
        final AtomicInteger doneFired = new AtomicInteger();
        cluster.master.onConfirmation(3, "go", goFired::incrementAndGet);
        cluster.master.onConfirmation(2, "done", doneFired::incrementAndGet);

        for (final WorkerHandle w : List.of(web1, web2, cache))
        {
            cluster.master.publish(Channel.worker(w.id()), "confirm:not-go");
        }
        cluster.master.publish(Channel.worker(web1.id()), "confirm:go");
        cluster.master.publish(Channel.worker(web1.id()), "confirm:go");
        for (int i = 0; i < 6; i++)
        {
            cluster.master.publish(Channel.worker(cache.id()), "confirm:done");
        }
        awaitConfirmationSentinel(web1, web2, cache);
        assertEquals(3, doneFired.get(), "n=2 fires 3 times for 6 confirmations");
        assertEquals(0, goFired.get(), "other ids never count; 2 go (duplicates from one worker) is below 3");

        cluster.master.publish(Channel.worker(web2.id()), "confirm:go");
        awaitConfirmationSentinel(web1, web2, cache);
        assertEquals(1, goFired.get());
        assertEquals(3, doneFired.get());
    }

    /**
     * Have each worker confirm a fresh id and wait until the master has counted all of them. Each worker sends its
     * confirmations in order, so every confirmation it sent before (including those it was told to send earlier on
     * its private stream) has been counted by then.
     */
    private void awaitConfirmationSentinel(final WorkerHandle... workers)
    {
        final String id = "sentinel-" + sentinels.incrementAndGet();
        final AtomicBoolean fired = new AtomicBoolean();
        cluster.master.onConfirmation(workers.length, id, () -> fired.set(true));
        for (final WorkerHandle w : workers)
        {
            cluster.master.publish(Channel.worker(w.id()), "confirm:" + id);
        }
        Tests.await(fired::get, ClusterFixture.TIMEOUT,
            () -> workers.length + " confirmations of " + id + " from " + List.of(workers));
    }

    private static void awaitValue(final AtomicInteger value, final int expected)
    {
        Tests.await(() -> value.get() >= expected, ClusterFixture.TIMEOUT,
            () -> "expected " + expected + " but was " + value.get());
    }
}
