package io.clustr;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.ConfigurationException;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.clustr.Options.aeronDirectory;
import static io.clustr.Options.group;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input gets a clear exception naming the problem. Runs a master in this JVM on its own embedded driver, whose
 * error log must stay empty.
 */
@InterruptAfter(30)
class NodeValidationTest
{
    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private final String dir = new File("/dev/shm", "clustr-unit-" + UUID.randomUUID()).getPath();
    private Master master;

    @BeforeEach
    void startMaster()
    {
        master = Master.create(aeronDirectory(dir));
        watcher.watch(dir);
    }

    @AfterEach
    void stopMaster()
    {
        master.close();
        assertFalse(new File(dir).exists(), "driver directory left behind");
    }

    @Test
    void shouldRejectWorkerWithoutGroup()
    {
        final ConfigurationException ex = assertThrows(
            ConfigurationException.class, () -> Worker.create(aeronDirectory(dir)));
        assertTrue(ex.getMessage().contains("needs a group"), ex.getMessage());
    }

    @Test
    void shouldRejectBlankOrInvalidGroup()
    {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> group(" ")).getMessage().contains("blank"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> group(null)).getMessage().contains("null"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> group("a b")).getMessage()
            .contains("invalid character"));
        assertThrows(IllegalArgumentException.class, () -> Channel.group(""));
        assertThrows(IllegalArgumentException.class, () -> Channel.worker(-1));
    }

    @Test
    void shouldRejectTetheringAStreamThatAlwaysIsOrIsNotAStream()
    {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Options.tethered(Channel.Kind.PRIVATE))
            .getMessage().contains("only the public and group streams can be tethered"));
        assertThrows(IllegalArgumentException.class, () -> Options.tethered(Channel.Kind.CONFIRMATION));
        assertThrows(NullPointerException.class, () -> Options.tethered((Channel.Kind)null));

        assertEquals(java.util.EnumSet.of(Channel.Kind.PUBLIC, Channel.Kind.GROUP),
            Configuration.tetheredStreams(" Public, group ,"));
        assertTrue(Configuration.tetheredStreams("").isEmpty());
        final ConfigurationException ex =
            assertThrows(ConfigurationException.class, () -> Configuration.tetheredStreams("public,private"));
        assertTrue(ex.getMessage().contains(Configuration.TETHERED_STREAMS_PROP_NAME) &&
            ex.getMessage().contains("'private' is not a stream that can be tethered"), ex.getMessage());

        final Worker.Context ctx = new Worker.Context().tetheredStreams(Channel.Kind.GROUP);
        assertTrue(ctx.isTethered(Channel.Kind.GROUP));
        assertFalse(ctx.isTethered(Channel.Kind.PUBLIC));
        assertTrue(ctx.isTethered(Channel.Kind.PRIVATE), "the private stream always is");
    }

    @Test
    void shouldRejectConfirmationCountBelowOne()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> master.onConfirmation(0, "ready", () -> {}));
        assertTrue(ex.getMessage().contains("at least 1"), ex.getMessage());
        assertThrows(NullPointerException.class, () -> master.onConfirmation(1, null, () -> {}));
    }

    @Test
    void shouldRejectNullChannelAndPayload()
    {
        final NullPointerException noChannel = assertThrows(
            NullPointerException.class, () -> master.publish(null, "x"));
        assertTrue(noChannel.getMessage().contains("channel must not be null"), noChannel.getMessage());

        final NullPointerException noText = assertThrows(
            NullPointerException.class, () -> master.publish(Channel.PUBLIC, (String)null));
        assertTrue(noText.getMessage().contains("payload must not be null"), noText.getMessage());
        assertThrows(NullPointerException.class, () -> master.publish(Channel.PUBLIC, (byte[])null));
        assertThrows(NullPointerException.class, () -> master.confirm(null));
        assertThrows(IndexOutOfBoundsException.class,
            () -> master.publish(Channel.PUBLIC, new org.agrona.concurrent.UnsafeBuffer(new byte[4]), 2, 4));
    }

    @Test
    void shouldRejectMessageLargerThanTheTermAllows()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> master.publish(Channel.PUBLIC, new byte[2 * 1024 * 1024]));
        assertTrue(ex.getMessage().contains("too large"), ex.getMessage());
        assertTrue(ex.getMessage().contains(Configuration.TERM_LENGTH_PROP_NAME), ex.getMessage());
    }

    @Test
    void shouldRejectPublishingAfterClose()
    {
        final org.agrona.concurrent.UnsafeBuffer payload = new org.agrona.concurrent.UnsafeBuffer(new byte[8]);
        master.publish(Channel.PUBLIC, payload, 0, 8); // the checked path arms this thread's fast path for PUBLIC
        assertTrue(master.tryPublish(Channel.PUBLIC, payload, 0, 8));
        master.close();
        final ClustrException fast = assertThrows(
            ClustrException.class, () -> master.tryPublish(Channel.PUBLIC, payload, 0, 8));
        assertTrue(fast.getMessage().contains("closed"), fast.getMessage());
        assertThrows(ClustrException.class, () -> master.publish(Channel.PUBLIC, payload, 0, 8));
        master.close();
        final ClustrException ex = assertThrows(ClustrException.class, () -> master.publish(Channel.PUBLIC, "x"));
        assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
        assertThrows(ClustrException.class, () -> master.confirm("ready"));
        assertTrue(master.isClosed());
    }

    @Test
    void shouldRejectAnAnnouncementOfAnUnboundOrUnresolvedAddress()
    {
        final NullPointerException nullAddress =
            assertThrows(NullPointerException.class, () -> master.announceListening(null));
        assertTrue(nullAddress.getMessage().contains("getLocalAddress"), nullAddress.getMessage());

        final IllegalArgumentException unresolved = assertThrows(IllegalArgumentException.class,
            () -> master.announceListening(InetSocketAddress.createUnresolved("example.invalid", 80)));
        assertTrue(unresolved.getMessage().contains("unresolved"), unresolved.getMessage());

        final IllegalArgumentException unbound = assertThrows(IllegalArgumentException.class,
            () -> master.announceListening(new InetSocketAddress(0)));
        assertTrue(unbound.getMessage().contains("port 0"), unbound.getMessage());

        master.close();
        assertThrows(ClustrException.class, () -> master.announceListening(new InetSocketAddress(8080)));
    }

    @Test
    void shouldRejectKillOfUnknownWorker()
    {
        final ClustrException ex = assertThrows(ClustrException.class, () -> master.killWorker(123_456, 1));
        assertTrue(ex.getMessage().contains("unknown worker id 123456"), ex.getMessage());
    }

    @Test
    void shouldDeliverToItselfAndCountItsOwnConfirmations() throws Exception
    {
        final java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(2);
        master.onPublic((msg) -> latch.countDown());
        master.onConfirmation(1, "self", latch::countDown);
        master.publish(Channel.PUBLIC, "to everyone, the master included");
        master.confirm("self");
        assertTrue(latch.await(10, TimeUnit.SECONDS));
    }

    @Test
    void shouldFailToJoinWhenNoMasterAnswers()
    {
        final String bareDir = new File("/dev/shm", "clustr-unit-bare-" + UUID.randomUUID()).getPath();
        try (MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(bareDir)
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)))
        {
            watcher.watch(bareDir);
            final Worker.Context ctx = new Worker.Context()
                .group("web")
                .aeronDirectoryName(driver.aeronDirectoryName())
                .joinTimeoutNs(TimeUnit.MILLISECONDS.toNanos(300));
            final ClustrException ex = assertThrows(ClustrException.class, () -> Worker.launch(ctx));
            assertTrue(ex.getMessage().contains("could not join"), ex.getMessage());
        }
        assertFalse(new File(bareDir).exists());
    }

    @Test
    void shouldCallEveryHandlerOncePerMessageAndKeepGoingWhenOneThrows() throws Exception
    {
        final java.util.concurrent.atomic.AtomicInteger first = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger second = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(3);
        master
            .onPublic((msg) -> first.incrementAndGet())
            .onPublic((msg) ->
            {
                throw new IllegalStateException("a failing handler");
            })
            .onPublic((msg) ->
            {
                second.incrementAndGet();
                done.countDown();
            });
        for (int i = 0; i < 3; i++)
        {
            master.publish(Channel.PUBLIC, "m" + i);
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(3, first.get());
        assertEquals(3, second.get());
    }

    @Test
    void shouldRefuseASecondMasterOnTheSameDriver()
    {
        final ClustrException ex = assertThrows(ClustrException.class,
            () -> Master.create(aeronDirectory(dir), Options.embeddedDriver(false)));
        assertTrue(ex.getMessage().contains("another master"), ex.getMessage());
        master.publish(Channel.PUBLIC, "the first master is unharmed");
    }

    @Test
    void shouldRejectInvalidTermLength()
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> new Master.Context().termLength(1000).conclude());
        assertTrue(ex.getMessage().contains("power of two"), ex.getMessage());
        assertEquals(Configuration.PRIVATE_STREAM_ID_BASE + 7, Configuration.privateStreamId(7));
    }
}
