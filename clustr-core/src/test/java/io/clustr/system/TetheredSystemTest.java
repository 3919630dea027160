package io.clustr.system;

import io.clustr.Channel;
import io.clustr.WorkerHandle;
import io.clustr.spawn.SpawnOption;
import io.clustr.spawn.Spec;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A node that chose tethered public and group streams ({@code Options.tethered}) is never cut loose: it stalls in
 * its handler twice for {@link #STALL_MS} ms on each stream, far past the 400 ms that cut an untethered subscriber
 * loose ({@link CutLooseOrderSystemTest}), while three sender JVMs publish {@link #MESSAGES} sequence-numbered
 * messages each; the stream waits for it instead, so it and the steady untethered receiver beside it get every
 * message once and in order, and nobody is told of a gap. Each stall is reported by the stalling worker after it
 * has slept (a sentinel of sorts: the receivers' totals come only after both stalls).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@InterruptAfter(240)
class TetheredSystemTest
{
    static final long MESSAGES = 1_000_000;
    static final int SENDERS = 3;
    static final long STALL_MS = 1_500;
    static final String STALLS = "150000:" + STALL_MS + ",600000:" + STALL_MS;
    static final Duration ROUND_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final DriverErrorLogWatcher WATCHER = new DriverErrorLogWatcher();

    private ClusterFixture cluster;
    private final List<WorkerHandle> workers = new ArrayList<>();
    private final List<WorkerHandle> senders = new ArrayList<>();
    private WorkerHandle steady;
    private WorkerHandle tethered;

    @BeforeAll
    void startCluster()
    {
        cluster = new ClusterFixture(WATCHER);
        final List<WorkerHandle> receivers = cluster.spawnReady(
            Spec.spec(SequenceWorker.class.getName(), SpawnOption.args(
                "receive", LossAndOrderSystemTest.RECEIVER_GROUP, Integer.toString(SENDERS), Long.toString(MESSAGES))),
            Spec.spec(SequenceWorker.class.getName(), SpawnOption.args(
                "receive", LossAndOrderSystemTest.RECEIVER_GROUP, Integer.toString(SENDERS), Long.toString(MESSAGES),
                "stall", STALLS, "tethered")));
        workers.addAll(receivers);
        steady = receivers.get(0);
        tethered = receivers.get(1);
        final List<Spec> senderSpecs = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++)
        {
            senderSpecs.add(Spec.spec(SequenceWorker.class.getName(), SpawnOption.args(
                "send", LossAndOrderSystemTest.SENDER_GROUP, Long.toString(MESSAGES))));
        }
        senders.addAll(cluster.spawnReady(senderSpecs.toArray(new Spec[0])));
        workers.addAll(senders);
    }

    @AfterAll
    void stopCluster() throws Exception
    {
        if (null == cluster)
        {
            return;
        }
        cluster.closeExpectingCleanExits(workers);
    }

    @Test
    void shouldHoldThePublicStreamForATetheredSubscriberThatStallsAndLoseNothing()
    {
        runRound("public", "go:public");
    }

    @Test
    void shouldHoldTheGroupStreamForATetheredSubscriberThatStallsAndLoseNothing()
    {
        runRound("group", "go:group:" + LossAndOrderSystemTest.RECEIVER_GROUP);
    }

    private void runRound(final String kind, final String command)
    {
        cluster.inbox.clear();
        final long startNs = System.nanoTime();
        for (final WorkerHandle sender : senders)
        {
            cluster.master.publish(Channel.worker(sender.id()), command);
        }

        final Map<Long, String> reports = new HashMap<>();
        final List<Long> stalledMs = new ArrayList<>();
        int sent = 0;
        final long deadlineNs = startNs + ROUND_TIMEOUT.toNanos();
        while (reports.size() < 2 || sent < SENDERS)
        {
            final Map<Long, String> have = reports;
            final String report = Tests.poll(cluster.inbox,
                Duration.ofNanos(Math.max(1, deadlineNs - System.nanoTime())),
                () -> kind + ": reports from 2 receivers and " + SENDERS + " senders; have " + have);
            final String[] parts = report.split("\\|");
            if (report.startsWith("cutloose|"))
            {
                fail("receiver " + parts[2] + " was cut loose from the " + parts[1] + " stream: " + report);
            }
            if (report.startsWith("send-failed|"))
            {
                fail("sender " + parts[1] + " failed to publish at sequence " + parts[3] + ": " + report);
            }
            if (report.startsWith("sent|"))
            {
                sent++;
            }
            else if (report.startsWith("stalled|" + kind + "|"))
            {
                assertEquals(tethered.id(), Long.parseLong(parts[2]), "only the tethered receiver stalls: " + report);
                stalledMs.add(Long.parseLong(parts[3]));
            }
            else if (report.startsWith("lossorder|" + kind + "|"))
            {
                reports.put(Long.parseLong(parts[2]), report);
            }
        }
        final long roundMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

        // The worker reports each stall before it takes the next message, so both came before its totals.
        assertEquals(2, stalledMs.size(), kind + ": stalls reported before the tethered receiver's totals");
        for (final long ms : stalledMs)
        {
            assertTrue(ms >= STALL_MS, kind + ": a stall of " + ms + " ms");
        }
        final Set<Long> senderIds =
            senders.stream().map(WorkerHandle::id).collect(Collectors.toCollection(TreeSet::new));
        LossAndOrderSystemTest.checkReceiver(kind, reports.get(steady.id()), senderIds, MESSAGES);
        LossAndOrderSystemTest.checkReceiver(kind, reports.get(tethered.id()), senderIds, MESSAGES);
        System.out.println("TetheredSystemTest " + kind + ": round " + roundMs + " ms, stalls " + stalledMs + " ms; " +
            reports.values());
    }
}
