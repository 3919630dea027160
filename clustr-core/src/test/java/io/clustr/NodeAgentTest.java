package io.clustr;

import io.aeron.Aeron;
import io.aeron.RethrowingErrorHandler;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.clustr.spawn.ExitStatus;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentInvoker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The agent's join, membership, kill and confirmation logic, run deterministically in one JVM: the media driver,
 * the master and the workers are all driven from the test thread through their invokers (no thread of their own).
 */
@InterruptAfter(30)
class NodeAgentTest
{
    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private static final int TERM_LENGTH = 64 * 1024;
    private static final long CONDITION_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final String dir = new File("/dev/shm", "clustr-unit-" + UUID.randomUUID()).getPath();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<Integer> exits = new CopyOnWriteArrayList<>();
    private MediaDriver driver;
    private AgentInvoker driverInvoker;

    @BeforeEach
    void before()
    {
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(dir)
            .threadingMode(ThreadingMode.INVOKER)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .ipcTermBufferLength(TERM_LENGTH));
        driverInvoker = driver.sharedAgentInvoker();
        watcher.watch(dir);
    }

    @AfterEach
    void after()
    {
        for (int i = nodes.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(nodes.get(i));
        }
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
        CloseHelper.quietClose(driver);
        assertFalse(new File(dir).exists(), "driver directory left behind: " + dir);
    }

    @Test
    void shouldJoinAndShareMembership()
    {
        final Master master = master();
        final Worker a = worker("web");
        awaitCondition(a::isJoined, "worker a joins");
        assertEquals(List.of(a.id()), ids(master.workers()));
        assertEquals(List.of(a.id()), ids(a.workers()));
        assertEquals(ProcessHandle.current().pid(), a.masterPid());

        final Worker b = worker("cache");
        awaitCondition(b::isJoined, "worker b joins");
        assertEquals(List.of(a.id(), b.id()), ids(b.workers()), "the JoinAck gives b the cluster");
        awaitCondition(() -> ids(a.workers()).size() == 2, "a sees b's join");
        assertEquals(List.of(a.id(), b.id()), ids(master.workers()));
        assertEquals("cache", master.workers().get(1).group());
    }

    @Test
    void shouldCountConfirmationsPerId()
    {
        final Master master = master();
        final List<List<Long>> fired = new CopyOnWriteArrayList<>();
        master.onConfirmation(2, "ready", (confirmations) ->
        {
            final List<Long> senders = new ArrayList<>();
            confirmations.forEach((confirmation) -> senders.add(confirmation.senderId()));
            fired.add(senders);
        });
        final List<String> sentinels = new CopyOnWriteArrayList<>();
        master.onConfirmation(1, "sentinel", () -> sentinels.add("sentinel"));

        final Worker a = worker("web");
        final Worker b = worker("web");
        awaitCondition(() -> a.isJoined() && b.isJoined(), "workers join");

        a.confirm("ready");
        a.confirm("other");
        a.confirm("sentinel");
        awaitCondition(() -> sentinels.size() == 1, "first sentinel");
        assertTrue(fired.isEmpty(), "one ready and one other id do not fire a count of 2");

        b.confirm("ready");
        a.confirm("ready");
        b.confirm("sentinel");
        awaitCondition(() -> sentinels.size() == 2, "second sentinel");
        assertEquals(List.of(List.of(a.id(), b.id())), fired, "fires once, then counts again from zero");
    }

    @Test
    void shouldKillWorkerAndCompleteWithItsExit()
    {
        final Master master = master();
        final Worker a = worker("web");
        final List<Integer> hooks = new CopyOnWriteArrayList<>();
        a.onKill(hooks::add);
        awaitCondition(a::isJoined, "worker a joins");

        final CompletableFuture<ExitStatus> killed = master.killWorker(a.id(), 3);
        awaitCondition(killed::isDone, "the kill completes");

        assertEquals(3, killed.join().code());
        assertEquals(List.of(3), hooks);
        assertEquals(List.of(3), exits, "the process would exit with the code");
        assertTrue(a.isClosed());
        assertTrue(master.workers().isEmpty());

        final ClustrException again = assertThrows(ClustrException.class, () -> master.killWorker(a.id(), 3));
        assertTrue(again.getMessage().contains("has already exited"), again.getMessage());
        final ClustrException publish = assertThrows(
            ClustrException.class, () -> master.publish(Channel.worker(a.id()), "late"));
        assertTrue(publish.getMessage().contains("has left the cluster"), publish.getMessage());
    }

    @Test
    void shouldCompleteKillOfItselfOnceClosed()
    {
        master();
        final Worker a = worker("web");
        awaitCondition(a::isJoined, "worker a joins");

        final CompletableFuture<ExitStatus> killed = a.killWorker(a.id(), 5);
        awaitCondition(killed::isDone, "the self kill completes");

        assertEquals(5, killed.join().code());
        assertEquals(List.of(5), exits);
        assertTrue(a.isClosed());
    }

    @Test
    void shouldRejectUnknownIdsAndNeverResurrectDepartedOnes()
    {
        final Master master = master();
        final Worker a = worker("web");
        awaitCondition(a::isJoined, "worker a joins");
        final MemberInfo joinOfA = a.self();

        final ClustrException unknown = assertThrows(ClustrException.class, () -> master.killWorker(987_654, 1));
        assertTrue(unknown.getMessage().contains("unknown worker id 987654"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("[" + a.id() + "]"), unknown.getMessage());

        a.close();
        awaitCondition(() -> master.workers().isEmpty(), "master sees a leave");

        // A late Join of the departed worker, then a Join of a fresh one as the sentinel.
        try (ControlPublisher late = new ControlPublisher(client().addPublication(
            Configuration.ipcChannel(TERM_LENGTH), Configuration.controlStreamId())))
        {
            awaitCondition(late::isConnected, "late publisher connects");
            assertTrue(late.join(joinOfA));
            final Worker b = worker("web");
            awaitCondition(() -> ids(master.workers()).contains(b.id()), "sentinel worker joins");
        }
        assertFalse(ids(master.workers()).contains(a.id()), "a departed id is never re-added");
    }

    @Test
    void shouldHoldNothingOfAPublishedOrSentByteArray()
    {
        final Master master = master();
        final Worker worker = worker("web");
        awaitCondition(worker::isJoined, "worker joins");
        master.onPrivate((msg) -> {});

        byte[] published = new byte[1024];
        final WeakReference<byte[]> publishedRef = new WeakReference<>(published);
        master.publish(Channel.PUBLIC, published);
        published = null;

        byte[] sent = new byte[1024];
        final WeakReference<byte[]> sentRef = new WeakReference<>(sent);
        final CompletableFuture<Void> acked = worker.send(Channel.worker(0), sent);
        sent = null;
        awaitCondition(acked::isDone, "the master acknowledges the send");
        assertFalse(acked.isCompletedExceptionally(), acked::toString);

        // The nodes stay open: a writer that kept its last wrapped array would keep both reachable.
        for (int i = 0; i < 50 && (null != publishedRef.get() || null != sentRef.get()); i++)
        {
            System.gc();
            Tests.checkInterrupt("collect the payloads");
        }
        assertTrue(null == publishedRef.get(), "publish(channel, bytes) let go of the array when it returned");
        assertTrue(null == sentRef.get(), "send(channel, bytes) let go of the array when it returned");
    }

    private Master master()
    {
        final Master master = Master.launch(new Master.Context()
            .embeddedDriver(false)
            .aeronDirectoryName(dir)
            .aeron(client())
            .termLength(TERM_LENGTH)
            .useAgentInvoker(true)
            .registerShutdownHook(false)
            .processExit(exits::add));
        nodes.add(master);
        return master;
    }

    private Worker worker(final String group)
    {
        final Worker worker = Worker.launch(new Worker.Context()
            .group(group)
            .environment(Map.of())
            .aeronDirectoryName(dir)
            .aeron(client())
            .termLength(TERM_LENGTH)
            .useAgentInvoker(true)
            .registerShutdownHook(false)
            .processExit(exits::add));
        nodes.add(worker);
        return worker;
    }

    private Aeron client()
    {
        final Aeron aeron = Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(dir)
            .useConductorAgentInvoker(true)
            .driverAgentInvoker(driverInvoker)
            .subscriberErrorHandler(RethrowingErrorHandler.INSTANCE));
        closeables.add(aeron);
        return aeron;
    }

    /**
     * Drive the driver and every node until the condition holds. The outcome does not depend on timing; the bound
     * is only there to fail rather than hang.
     */
    private void awaitCondition(final BooleanSupplier condition, final String what)
    {
        final long deadlineNs = System.nanoTime() + CONDITION_TIMEOUT_NS;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("timed out waiting for: " + what);
            }
            Tests.checkInterrupt(what);
            driverInvoker.invoke();
            for (final Node node : nodes)
            {
                final AgentInvoker invoker = node.agentInvoker();
                assertNotNull(invoker);
                invoker.invoke();
            }
        }
    }

    private static List<Long> ids(final List<WorkerInfo> workers)
    {
        final List<Long> ids = new ArrayList<>();
        workers.forEach((worker) -> ids.add(worker.id()));
        return ids;
    }
}
