package io.clustr.system;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.exceptions.RegistrationException;
import io.clustr.Channel;
import io.clustr.ClustrCounters;
import io.clustr.Configuration;
import io.clustr.WorkerHandle;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static io.clustr.system.ClusterFixture.worker;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Payload types, frames that are not clustr frames, and handlers that throw, through real worker JVMs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@InterruptAfter(60)
class RobustnessSystemTest
{
    @RegisterExtension
    static final DriverErrorLogWatcher WATCHER = new DriverErrorLogWatcher();

    /**
     * clustr's magic in the low 16 bits of the reserved value, with a format version (15) that does not exist.
     */
    private static final long WRONG_VERSION = 0xC175L | (15L << 16);

    private ClusterFixture cluster;
    private WorkerHandle web;
    private WorkerHandle cache;
    private Aeron aeron;

    @BeforeAll
    void startCluster()
    {
        cluster = new ClusterFixture(WATCHER);
        cluster.master.onPublic((msg) -> { });
        final List<WorkerHandle> workers = cluster.spawnReady(worker("web"), worker("cache"));
        web = workers.get(0);
        cache = workers.get(1);
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(cluster.aeronDir));
    }

    @AfterAll
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
    void shouldRoundTripTextBytesAndEmptyPayloads()
    {
        final String unicode = "héllo wörld — 你好 🚀";
        cluster.master.publish(Channel.worker(web.id()), unicode);
        assertEquals("private|" + web.id() + "|0||" + unicode, cluster.await((m) -> m.startsWith("private|")));

        cluster.master.publish(Channel.worker(web.id()), "");
        assertEquals("private|" + web.id() + "|0||", cluster.await((m) -> m.startsWith("private|")));

        cluster.master.publish(Channel.PUBLIC, new byte[0]);
        final List<String> empties = cluster.collectUntil((m) -> m.startsWith("public|"), 2);
        empties.forEach((m) -> assertTrue(m.endsWith("|0||"), m));

        final byte[] allBytes = new byte[512];
        for (int i = 0; i < allBytes.length; i++)
        {
            allBytes[i] = (byte)i;
        }
        cluster.master.publish(Channel.worker(cache.id()), allBytes);
        assertArrayEquals(allBytes, cluster.awaitBinary());

        // larger than one frame: fragmented on the way out, reassembled on the way in, echoed back the same way
        final byte[] large = new byte[100_000];
        ThreadLocalRandom.current().nextBytes(large);
        large[0] = 0;
        cluster.master.publish(Channel.worker(cache.id()), large);
        assertArrayEquals(large, cluster.awaitBinary());
    }

    @Test
    void shouldCountAndSkipFramesThatAreNotClustrFrames()
    {
        final String channel = Configuration.ipcChannel(Configuration.termLength());
        final long webMalformedBefore = malformed(web.id());
        final long masterMalformedBefore = malformed(0);

        try (Publication publicStream = aeron.addPublication(channel, Configuration.PUBLIC_STREAM_ID_DEFAULT);
            Publication webPrivate = aeron.addPublication(channel, Configuration.privateStreamId(web.id())))
        {
            offer(publicStream, "not a clustr frame".getBytes(StandardCharsets.US_ASCII));
            offer(publicStream, new byte[]{ 1, 2, 3 });
            offer(publicStream, new byte[32], WRONG_VERSION);
            offer(webPrivate, new byte[64]);
        }

        cluster.master.publish(Channel.PUBLIC, "after-garbage");
        final List<String> reports = cluster.collectUntil((m) -> m.endsWith("|after-garbage"), 2);
        assertEquals(2, reports.stream().filter((m) -> m.endsWith("|after-garbage")).count(), reports.toString());

        // the garbage on web's private stream is not ordered with the sentinel on the public one: wait for it
        awaitMalformed(web.id(), webMalformedBefore + 4, "3 on the public stream, 1 on its private one");
        awaitMalformed(0, masterMalformedBefore + 3, "3 on the public stream");
    }

    @Test
    void shouldWriteTheSameFrameAsRawAeronForA32BytePayload()
    {
        final String channel = Configuration.ipcChannel(Configuration.termLength());
        final int rawStreamId = 999; // no clustr node uses it, so nothing in the cluster sees the raw frame
        final List<String> frames = new java.util.ArrayList<>();
        try (Subscription clustrStream = aeron.addSubscription(channel, Configuration.PUBLIC_STREAM_ID_DEFAULT);
            Subscription rawStream = aeron.addSubscription(channel, rawStreamId);
            Publication rawPublication = aeron.addPublication(channel, rawStreamId))
        {
            Tests.await(() -> rawPublication.isConnected() && clustrStream.imageCount() > 0, ClusterFixture.TIMEOUT,
                () -> "subscriptions linked");
            cluster.master.publish(Channel.PUBLIC, new UnsafeBuffer(new byte[32]), 0, 32);
            offer(rawPublication, new byte[32]);

            for (final Subscription subscription : List.of(clustrStream, rawStream))
            {
                final int before = frames.size();
                Tests.await(() ->
                {
                    subscription.poll((buffer, offset, length, header) -> frames.add(header.frameLength() + "|" +
                        length + "|" + FrameFormatProbe.senderId(header.reservedValue())), 1);
                    return frames.size() > before;
                }, ClusterFixture.TIMEOUT, () -> "a frame on stream " + subscription.streamId() + ", got " + frames);
            }
        }

        // frame length = Aeron's 32 byte header + the payload, for clustr (sender 0, the master) as for raw Aeron
        assertEquals(List.of("64|32|0", "64|32|-1"), frames);
    }

    @Test
    void shouldKeepDeliveringAfterAHandlerThrows()
    {
        final long errorsBefore = ClustrCounters.read(
            aeron.countersReader(), ClustrCounters.ERRORS_TYPE_ID, web.id());
        cluster.master.publish(Channel.worker(web.id()), "throw");
        cluster.master.publish(Channel.worker(web.id()), "after-throw");
        assertEquals("private|" + web.id() + "|0||after-throw", cluster.await((m) -> m.endsWith("|after-throw")));
        Tests.awaitValue(() -> ClustrCounters.read(aeron.countersReader(), ClustrCounters.ERRORS_TYPE_ID, web.id()),
            errorsBefore + 1, ClusterFixture.TIMEOUT, "errors counter of worker " + web.id());
    }

    @Test
    void shouldHaveTheClusterDriverWatchedForErrors()
    {
        WATCHER.check();
        assertEquals(List.of(new java.io.File(cluster.aeronDir).getAbsolutePath()), WATCHER.watchedDirectories());

        // a client asks the cluster's driver for a publication on an invalid channel: the driver logs an error
        assertThrows(RegistrationException.class, () -> aeron.addPublication("aeron:ipc?term-length=3", 1));
        final AssertionError error = assertThrows(AssertionError.class, WATCHER::check);
        assertTrue(error.getMessage().contains("Term length less than min length"), error.getMessage());
    }

    /**
     * Reads the sender id the way clustr's receivers do, or -1 for a frame that is not clustr's.
     */
    private static final class FrameFormatProbe
    {
        static long senderId(final long reservedValue)
        {
            return (reservedValue & 0xF_FFFFL) == (0xC175L | (1L << 16)) ? reservedValue >>> 34 : -1;
        }
    }

    private long malformed(final long nodeId)
    {
        return ClustrCounters.read(aeron.countersReader(), ClustrCounters.MALFORMED_FRAMES_TYPE_ID, nodeId);
    }

    /**
     * Wait until the node's malformed-frames counter reaches {@code expected} (bounded), and check it does not go
     * past it.
     */
    private void awaitMalformed(final long nodeId, final long expected, final String why)
    {
        Tests.awaitValue(() -> malformed(nodeId), expected, ClusterFixture.TIMEOUT,
            "malformed-frames counter of node " + nodeId + " (" + why + ")");
    }

    private static void offer(final Publication publication, final byte[] bytes)
    {
        offer(publication, bytes, 0);
    }

    /**
     * Offer a raw frame whose Aeron header carries the given reserved value (a raw Aeron frame's is 0).
     */
    private static void offer(final Publication publication, final byte[] bytes, final long reservedValue)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        Tests.await(() -> publication.offer(buffer, 0, bytes.length, (termBuffer, termOffset, length) ->
            reservedValue) > 0, ClusterFixture.TIMEOUT, () -> "offer of a raw frame on stream " +
            publication.streamId());
    }
}
