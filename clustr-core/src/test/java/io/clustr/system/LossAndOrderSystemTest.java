package io.clustr.system;

import io.clustr.Channel;
import io.clustr.WorkerHandle;
import io.clustr.spawn.ExitStatus;
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
import static org.junit.jupiter.api.Assertions.fail;

/**
 * No loss, no duplicates and per-sender order on every stream while no subscriber is cut loose: three sender JVMs
 * each publish {@link #MESSAGES} sequence-numbered 16 byte messages (sender id, sequence) with {@code publish} as
 * fast as it returns, to the public stream (two receiver JVMs), to a group (the same two JVMs, the group's workers)
 * and to one receiver's private stream. Each receiver checks per sender what arrived ({@link SequenceTracker}) and
 * reports its totals to the master once every sender's end sentinel has arrived; the test asserts the exact counts.
 * The senders start together, so the stream is written by three publishers at once and back-pressured by its
 * receivers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@InterruptAfter(300)
class LossAndOrderSystemTest
{
    static final long MESSAGES = 3_000_000;
    static final int SENDERS = 3;
    static final String SENDER_GROUP = "lo-send";
    static final String RECEIVER_GROUP = "lo-sink";
    static final Duration ROUND_TIMEOUT = Duration.ofSeconds(120);

    @RegisterExtension
    static final DriverErrorLogWatcher WATCHER = new DriverErrorLogWatcher();

    private ClusterFixture cluster;
    private List<WorkerHandle> senders;
    private List<WorkerHandle> receivers;

    @BeforeAll
    void startCluster()
    {
        cluster = new ClusterFixture(WATCHER);
        receivers = cluster.spawnReady(receiver(), receiver());
        final List<Spec> senderSpecs = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++)
        {
            senderSpecs.add(Spec.spec(SequenceWorker.class.getName(),
                SpawnOption.args("send", SENDER_GROUP, Long.toString(MESSAGES))));
        }
        senders = cluster.spawnReady(senderSpecs.toArray(new Spec[0]));
    }

    @AfterAll
    void stopCluster() throws Exception
    {
        if (null == cluster)
        {
            return;
        }
        cluster.close();

        final List<WorkerHandle> all = new ArrayList<>();
        if (null != senders)
        {
            all.addAll(senders);
        }
        if (null != receivers)
        {
            all.addAll(receivers);
        }
        for (final WorkerHandle worker : all)
        {
            final ExitStatus status = worker.onExit().get(30, TimeUnit.SECONDS);
            assertEquals(0, status.code(), worker + ": " + status.reason());
        }
    }

    @Test
    void shouldDeliverEveryPublicMessageOnceAndInOrderToEveryReceiver()
    {
        runRound("public", "go:public", receivers);
    }

    @Test
    void shouldDeliverEveryGroupMessageOnceAndInOrderToEveryWorkerOfTheGroup()
    {
        runRound("group", "go:group:" + RECEIVER_GROUP, receivers);
    }

    @Test
    void shouldDeliverEveryPrivateMessageOnceAndInOrderFromThreeSenders()
    {
        final WorkerHandle target = receivers.get(0);
        runRound("private", "go:worker:" + target.id(), List.of(target));
    }

    private static Spec receiver()
    {
        return Spec.spec(SequenceWorker.class.getName(),
            SpawnOption.args("receive", RECEIVER_GROUP, Integer.toString(SENDERS), Long.toString(MESSAGES)));
    }

    /**
     * Start every sender at once on the stream, then collect one report per sender ({@code sent|...}) and one per
     * receiver ({@code lossorder|kind|...}), failing at once on a sender's failure or a receiver cut loose, and
     * check each receiver's counts per sender.
     */
    private void runRound(final String kind, final String command, final List<WorkerHandle> expectedReceivers)
    {
        cluster.inbox.clear();
        final long startNs = System.nanoTime();
        for (final WorkerHandle sender : senders)
        {
            cluster.master.publish(Channel.worker(sender.id()), command);
        }

        final Map<Long, String> receiverReports = new HashMap<>();
        final List<String> sentReports = new ArrayList<>();
        final long deadlineNs = startNs + ROUND_TIMEOUT.toNanos();
        while (receiverReports.size() < expectedReceivers.size() || sentReports.size() < SENDERS)
        {
            final String report = Tests.poll(cluster.inbox,
                Duration.ofNanos(Math.max(1, deadlineNs - System.nanoTime())),
                () -> kind + ": reports from " + expectedReceivers.size() + " receivers and " + SENDERS +
                    " senders; have " + receiverReports + " and " + sentReports);
            final String[] parts = report.split("\\|");
            if (report.startsWith("cutloose|"))
            {
                fail("receiver " + parts[2] + " was cut loose from the " + parts[1] + " stream: " + report);
            }
            if (report.startsWith("send-failed|"))
            {
                fail("sender " + parts[1] + " failed to publish to " + parts[2] + " at sequence " + parts[3] + ": " +
                    report);
            }
            if (report.startsWith("sent|"))
            {
                sentReports.add(report);
            }
            else if (report.startsWith("lossorder|" + kind + "|"))
            {
                receiverReports.put(Long.parseLong(parts[2]), report);
            }
        }
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

        final Set<Long> senderIds =
            senders.stream().map(WorkerHandle::id).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(
            expectedReceivers.stream().map(WorkerHandle::id).collect(Collectors.toCollection(TreeSet::new)),
            new TreeSet<>(receiverReports.keySet()), "receivers that reported on " + kind);
        for (final String report : receiverReports.values())
        {
            checkReceiver(kind, report, senderIds, MESSAGES);
        }

        System.out.println("LossAndOrderSystemTest " + kind + ": " + SENDERS + " senders x " + MESSAGES +
            " messages to " + expectedReceivers.size() + " receiver(s), round " + elapsedMs + " ms; " +
            String.join("; ", sentReports) + "; " + String.join("; ", receiverReports.values()));
    }

    /**
     * {@code lossorder|kind|receiverId|elapsedMs|unknownSenders|cutLoose|sender:received:lost:dup:ooo:invalid,...}
     */
    static void checkReceiver(final String kind, final String report, final Set<Long> senderIds, final long messages)
    {
        final String[] parts = report.split("\\|", -1);
        final String receiver = "receiver " + parts[2] + " on " + kind;
        if (!"-".equals(parts[5]))
        {
            fail(receiver + " was cut loose: " + parts[5] + " (" + report + ")");
        }
        assertEquals("0", parts[4], receiver + ": messages from unknown senders: " + report);

        final Set<Long> seenSenders = new TreeSet<>();
        for (final String perSender : parts[6].split(","))
        {
            final String[] counts = perSender.split(":");
            final long sender = Long.parseLong(counts[0]);
            seenSenders.add(sender);
            final String from = receiver + " from sender " + sender + " (" + report + ")";
            assertEquals(0, Long.parseLong(counts[2]), from + ": lost");
            assertEquals(0, Long.parseLong(counts[3]), from + ": duplicated");
            assertEquals(0, Long.parseLong(counts[4]), from + ": out of order");
            assertEquals(0, Long.parseLong(counts[5]), from + ": invalid (wrong length, sender or sequence)");
            assertEquals(messages, Long.parseLong(counts[1]), from + ": received");
        }
        assertEquals(senderIds, seenSenders, receiver + ": senders heard");
    }
}
