package io.clustr.system;

import io.aeron.Aeron;
import io.clustr.Channel;
import io.clustr.Claim;
import io.clustr.ClustrCounters;
import io.clustr.WorkerHandle;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.clustr.system.ClusterFixture.TIMEOUT;
import static io.clustr.system.ClusterFixture.worker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-stream counters ({@link ClustrCounters#STREAM_MESSAGES_RECEIVED_TYPE_ID} and its kin) of a master and a
 * worker JVM, through every publish path: publish, tryPublish, claim, tryClaim and confirm, each to another kind of
 * stream, with payloads of known lengths. The worker reports each message it handles to the master (the sentinel);
 * then every counter reaches its known value, and the totals are the sums of the data streams.
 */
@InterruptAfter(60)
class StreamCountersSystemTest
{
    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private ClusterFixture cluster;
    private WorkerHandle web;
    private Aeron aeron;

    @BeforeEach
    void startCluster()
    {
        cluster = new ClusterFixture(watcher);
        web = cluster.spawnReady(worker("web")).get(0);
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(cluster.aeronDir));
    }

    @AfterEach
    void stopCluster()
    {
        if (null != aeron)
        {
            aeron.close();
        }
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @Test
    void shouldCountMessagesAndBytesPerKindOfStreamOnEveryPublishPath()
    {
        cluster.master.publish(Channel.PUBLIC, "a");                              // public: 1 byte
        final UnsafeBuffer bb = new UnsafeBuffer("bb".getBytes(StandardCharsets.US_ASCII));
        Tests.await(() -> cluster.master.tryPublish(Channel.group("web"), bb, 0, 2), TIMEOUT,
            "a tryPublish to group web");                                          // group: 2 bytes
        final Claim claim = cluster.master.claim(Channel.worker(web.id()), 3);      // private: 3 bytes
        claim.buffer().putBytes(claim.offset(), "ccc".getBytes(StandardCharsets.US_ASCII));
        claim.commit();
        final Claim[] tryClaim = new Claim[1];
        Tests.await(() -> null != (tryClaim[0] = cluster.master.tryClaim(Channel.PUBLIC, 4)), TIMEOUT,
            "a tryClaim on the public stream");                                    // public: 4 bytes
        tryClaim[0].buffer().putBytes(tryClaim[0].offset(), "dddd".getBytes(StandardCharsets.US_ASCII));
        tryClaim[0].commit();
        cluster.master.confirm("eeeee");                                           // confirmation: 5 bytes

        // the sentinel: the web worker reported all four data messages (the master's own confirmation is counted
        // by its own confirmation subscription)
        final List<String> reports = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            reports.add(cluster.await((m) -> m.contains("|" + web.id() + "|0|")));
        }
        long reportBytes = 0;
        for (final String report : reports)
        {
            reportBytes += report.getBytes(StandardCharsets.UTF_8).length;
        }

        final long masterId = 0;
        // the master: out public 2 (5 bytes), group 1 (2), private 1 (3), confirmation 1 (5); in private 4 reports,
        // confirmation 2 (the worker's "ready" and its own "eeeee")
        awaitStream(masterId, ClustrCounters.STREAM_MESSAGES_SENT_TYPE_ID, Channel.Kind.PUBLIC, 2);
        awaitStream(masterId, ClustrCounters.STREAM_MESSAGES_SENT_TYPE_ID, Channel.Kind.CONFIRMATION, 1);
        awaitStream(masterId, ClustrCounters.STREAM_MESSAGES_RECEIVED_TYPE_ID, Channel.Kind.CONFIRMATION, 2);
        awaitStream(web.id(), ClustrCounters.STREAM_MESSAGES_SENT_TYPE_ID, Channel.Kind.PRIVATE, 4);

        assertStream(masterId, Channel.Kind.PUBLIC, 0, 0, 2, 5);
        assertStream(masterId, Channel.Kind.GROUP, -1, -1, 1, 2);
        assertStream(masterId, Channel.Kind.PRIVATE, 4, reportBytes, 1, 3);
        assertStream(masterId, Channel.Kind.CONFIRMATION, 2, "ready".length() + 5, 1, 5);
        assertEquals(4, read(ClustrCounters.MESSAGES_RECEIVED_TYPE_ID, masterId), "master: messages received");
        assertEquals(reportBytes, read(ClustrCounters.BYTES_RECEIVED_TYPE_ID, masterId), "master: bytes received");
        assertEquals(5, read(ClustrCounters.MESSAGES_SENT_TYPE_ID, masterId), "master: messages sent");
        assertEquals(15, read(ClustrCounters.BYTES_SENT_TYPE_ID, masterId), "master: bytes sent");

        // the worker: in public 2 (5 bytes), group 1 (2), private 1 (3); it has no confirmation-in counter
        assertStream(web.id(), Channel.Kind.PUBLIC, 2, 5, 0, 0);
        assertStream(web.id(), Channel.Kind.GROUP, 1, 2, 0, 0);
        assertStream(web.id(), Channel.Kind.PRIVATE, 1, 3, 4, reportBytes);
        assertStream(web.id(), Channel.Kind.CONFIRMATION, -1, -1, 1, "ready".length());
        assertEquals(4, read(ClustrCounters.MESSAGES_RECEIVED_TYPE_ID, web.id()), "worker: messages received");
        assertEquals(10, read(ClustrCounters.BYTES_RECEIVED_TYPE_ID, web.id()), "worker: bytes received");
        assertEquals(5, read(ClustrCounters.MESSAGES_SENT_TYPE_ID, web.id()), "worker: messages sent");
        assertTrue(ClustrCounters.find(aeron.countersReader(), ClustrCounters.streamTypeId(
            ClustrCounters.STREAM_MESSAGES_SENT_TYPE_ID, Channel.Kind.GROUP), web.id()) >= 0);
    }

    private long read(final int typeId, final long nodeId)
    {
        return ClustrCounters.read(aeron.countersReader(), typeId, nodeId);
    }

    private void awaitStream(final long nodeId, final int baseTypeId, final Channel.Kind kind, final long expected)
    {
        Tests.awaitValue(() -> read(ClustrCounters.streamTypeId(baseTypeId, kind), nodeId), expected, TIMEOUT,
            "node " + nodeId + " counter " + ClustrCounters.streamTypeId(baseTypeId, kind));
    }

    /**
     * -1: the node has no such counter.
     */
    private void assertStream(
        final long nodeId,
        final Channel.Kind kind,
        final long messagesIn,
        final long bytesIn,
        final long messagesOut,
        final long bytesOut)
    {
        final String what = "node " + nodeId + " " + kind;
        assertEquals(messagesIn, read(ClustrCounters.streamTypeId(
            ClustrCounters.STREAM_MESSAGES_RECEIVED_TYPE_ID, kind), nodeId), what + " messages in");
        assertEquals(bytesIn, read(ClustrCounters.streamTypeId(
            ClustrCounters.STREAM_BYTES_RECEIVED_TYPE_ID, kind), nodeId), what + " bytes in");
        assertEquals(messagesOut, read(ClustrCounters.streamTypeId(
            ClustrCounters.STREAM_MESSAGES_SENT_TYPE_ID, kind), nodeId), what + " messages out");
        assertEquals(bytesOut, read(ClustrCounters.streamTypeId(
            ClustrCounters.STREAM_BYTES_SENT_TYPE_ID, kind), nodeId), what + " bytes out");
    }
}
