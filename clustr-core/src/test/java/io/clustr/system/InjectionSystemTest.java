package io.clustr.system;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.clustr.Channel;
import io.clustr.ClustrCounters;
import io.clustr.Configuration;
import io.clustr.WorkerHandle;
import io.clustr.codecs.ConfirmationEncoder;
import io.clustr.codecs.ExitEncoder;
import io.clustr.codecs.JoinEncoder;
import io.clustr.codecs.MessageHeaderEncoder;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.clustr.system.ClusterFixture.worker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed frames on every clustr stream (control, public, group, private, confirmation) of a live cluster of real
 * worker JVMs, offered through raw Aeron publications between valid messages: each node that subscribes to the
 * stream counts every malformed frame in its {@code malformed frames} counter, skips it, raises no error, and still
 * delivers the valid messages sent before and after, in order. Every round ends with a sentinel on the same stream,
 * and the test asserts on what arrived before it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@InterruptAfter(90)
class InjectionSystemTest
{
    @RegisterExtension
    static final DriverErrorLogWatcher WATCHER = new DriverErrorLogWatcher();

    /**
     * The reserved value of a clustr data frame from the master (sender 0, no group): magic 0xC175, format 1.
     */
    private static final long MASTER_RESERVED_VALUE = 0xC175L | (1L << 16);

    private static final int CONTROL_STREAM_ID = Configuration.CONTROL_STREAM_ID_DEFAULT;
    private static final int CONFIRMATION_STREAM_ID = Configuration.CONFIRMATION_STREAM_ID_DEFAULT;

    private ClusterFixture cluster;
    private WorkerHandle web;
    private WorkerHandle cache;
    private Aeron aeron;
    private String channel;
    private final List<String> masterPublic = new CopyOnWriteArrayList<>();
    private final List<String> confirmations = new CopyOnWriteArrayList<>();
    private final Map<String, Long> injected = new HashMap<>();

    @BeforeAll
    void startCluster()
    {
        cluster = new ClusterFixture(WATCHER);
        cluster.master.onPublic((msg) -> masterPublic.add(msg.text()));
        for (final String id : List.of("before-conf", "raw-conf", "after-conf", "sentinel-conf"))
        {
            cluster.master.onConfirmation(1, id, (list) -> confirmations.add(list.get(0).id()));
        }
        final List<WorkerHandle> workers = cluster.spawnReady(worker("web"), worker("cache"));
        web = workers.get(0);
        cache = workers.get(1);
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(cluster.aeronDir));
        channel = Configuration.ipcChannel(Configuration.termLength());
    }

    @AfterAll
    void stopCluster()
    {
        System.out.println("InjectionSystemTest: malformed frames injected per stream " + injected);
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
    @Order(1)
    void shouldSkipMalformedControlFramesThatWouldKillOrRemoveMembersIfDecoded()
    {
        final List<WorkerHandle> victims = cluster.spawnReady(worker("victim"), worker("victim"));
        final List<Long> nodes = List.of(0L, web.id(), cache.id(), victims.get(0).id(), victims.get(1).id());
        final Map<Long, Long> malformedBefore = read(ClustrCounters.MALFORMED_FRAMES_TYPE_ID, nodes);
        final Map<Long, Long> errorsBefore = read(ClustrCounters.ERRORS_TYPE_ID, List.of(0L, web.id(), cache.id()));

        // valid control traffic before: web kills the first victim (Kill and Exit on the control stream)
        cluster.master.publish(Channel.worker(web.id()), "kill:" + victims.get(0).id() + ":0");
        assertEquals("killed|" + web.id() + "|" + victims.get(0).id() + "|0",
            cluster.await((m) -> m.startsWith("killed|") || m.startsWith("kill-failed|")));

        final List<byte[]> garbage = malformedControlFrames();
        try (Publication control = aeron.addPublication(channel, CONTROL_STREAM_ID))
        {
            garbage.forEach((frame) -> offer(control, frame, 0));
        }
        injected.put("control", (long)garbage.size());

        // valid control traffic after, and the sentinel: web kills the second victim
        cluster.master.publish(Channel.worker(web.id()), "kill:" + victims.get(1).id() + ":0");
        assertEquals("killed|" + web.id() + "|" + victims.get(1).id() + "|0",
            cluster.await((m) -> m.startsWith("killed|") || m.startsWith("kill-failed|")));

        // web saw the garbage before the Exit that completed its kill, on the same stream
        assertEquals(malformedBefore.get(web.id()) + garbage.size(), malformed(web.id()), "web");
        for (final long node : List.of(0L, cache.id()))
        {
            Tests.awaitValue(() -> malformed(node), malformedBefore.get(node) + garbage.size(), ClusterFixture.TIMEOUT,
                "malformed-frames counter of node " + node);
        }
        assertEquals(errorsBefore, read(ClustrCounters.ERRORS_TYPE_ID, List.of(0L, web.id(), cache.id())),
            "no decoder threw");

        // the forged Exit, Kill and Leave were not acted on: web and cache are members and receive
        final List<Long> members = cluster.master.workers().stream().map((w) -> w.id()).toList();
        assertTrue(members.contains(web.id()) && members.contains(cache.id()), members.toString());
        cluster.master.publish(Channel.worker(cache.id()), "still-here");
        assertEquals("private|" + cache.id() + "|0||still-here", cluster.await((m) -> m.endsWith("|still-here")));
    }

    @Test
    @Order(2)
    void shouldSkipMalformedFramesOnThePublicStream()
    {
        dataRound("public", Channel.PUBLIC, Configuration.PUBLIC_STREAM_ID_DEFAULT, List.of(web.id(), cache.id()),
            true);
    }

    @Test
    @Order(3)
    void shouldSkipMalformedFramesOnAGroupStream()
    {
        dataRound("group", Channel.group("web"), groupStreamId("web"), List.of(web.id()), false);
    }

    @Test
    @Order(4)
    void shouldSkipMalformedFramesOnAPrivateStream()
    {
        dataRound("private", Channel.worker(web.id()), Configuration.privateStreamId(web.id()), List.of(web.id()),
            false);
    }

    @Test
    @Order(5)
    void shouldSkipMalformedFramesOnTheConfirmationStream()
    {
        final long before = malformed(0);
        cluster.master.publish(Channel.worker(web.id()), "confirm:before-conf");
        Tests.await(() -> confirmations.contains("before-conf"), ClusterFixture.TIMEOUT, "before-conf confirmed");

        final List<byte[]> garbage = malformedConfirmationFrames();
        try (Publication stream = aeron.addPublication(channel, CONFIRMATION_STREAM_ID))
        {
            for (int i = 0; i < garbage.size(); i++)
            {
                offer(stream, garbage.get(i), 0);
                if (i == garbage.size() / 2)
                {
                    offer(stream, confirmation(web.id(), "web", "raw-conf"), 0);
                }
            }
        }
        injected.put("confirmation", (long)garbage.size());

        cluster.master.publish(Channel.worker(web.id()), "confirm:after-conf");
        cluster.master.publish(Channel.worker(web.id()), "confirm:sentinel-conf");
        Tests.await(() -> confirmations.contains("sentinel-conf"), ClusterFixture.TIMEOUT, "sentinel-conf confirmed");

        assertEquals(List.of("before-conf", "raw-conf", "after-conf", "sentinel-conf"), confirmations);
        assertEquals(before + garbage.size(), malformed(0), "the master counted each malformed confirmation");
    }

    /**
     * A valid message, half the malformed frames, a valid frame offered raw, the other half, a valid message and the
     * sentinel, all on one stream; each receiver must report exactly the three valid messages before the sentinel.
     */
    private void dataRound(
        final String name,
        final Channel target,
        final int streamId,
        final List<Long> receivers,
        final boolean isMasterReceiving)
    {
        final List<Long> nodes = new ArrayList<>(receivers);
        nodes.add(0L);
        final Map<Long, Long> before = read(ClustrCounters.MALFORMED_FRAMES_TYPE_ID, nodes);
        final Map<Long, Long> errorsBefore = read(ClustrCounters.ERRORS_TYPE_ID, nodes);
        masterPublic.clear();

        final List<byte[]> garbage = malformedDataFrames();
        try (Publication raw = aeron.addPublication(channel, streamId))
        {
            Tests.await(raw::isConnected, ClusterFixture.TIMEOUT, () -> "raw publication on " + name + " connected");
            cluster.master.publish(target, "before-" + name);
            for (int i = 0; i < garbage.size(); i++)
            {
                offer(raw, garbage.get(i), reservedValueOf(i));
                if (i == garbage.size() / 2)
                {
                    offer(raw, ("raw-valid-" + name).getBytes(StandardCharsets.US_ASCII), MASTER_RESERVED_VALUE);
                }
            }
            cluster.master.publish(target, "after-" + name);
            cluster.master.publish(target, "sentinel-" + name);
        }
        injected.put(name, (long)garbage.size());

        final Map<Long, List<String>> received = collectUntilSentinel("sentinel-" + name, receivers);
        final List<String> expected = List.of("before-" + name, "raw-valid-" + name, "after-" + name);
        for (final long receiver : receivers)
        {
            assertEquals(expected, received.get(receiver), "what worker " + receiver + " received on " + name);
            assertEquals(before.get(receiver) + garbage.size(), malformed(receiver),
                "worker " + receiver + " counted each malformed frame on " + name + " before the sentinel");
        }
        if (isMasterReceiving)
        {
            Tests.await(() -> masterPublic.contains("sentinel-" + name), ClusterFixture.TIMEOUT, "master sentinel");
            assertEquals(expected, masterPublic.subList(0, 3), "what the master received");
            assertEquals(before.get(0L) + garbage.size(), malformed(0), "the master's count on " + name);
        }
        else
        {
            assertEquals(before.get(0L), malformed(0), "the master does not subscribe to " + name);
        }
        assertEquals(errorsBefore, read(ClustrCounters.ERRORS_TYPE_ID, nodes), "no decoder threw on " + name);
    }

    /**
     * Take the workers' reports of {@code kind|me|sender|group|text} until each receiver reported the sentinel.
     */
    private Map<Long, List<String>> collectUntilSentinel(final String sentinel, final List<Long> receivers)
    {
        final Map<Long, List<String>> received = new HashMap<>();
        receivers.forEach((id) -> received.put(id, new ArrayList<>()));
        int sentinels = 0;
        while (sentinels < receivers.size())
        {
            final String[] report = cluster.await((m) -> m.split("\\|", 5).length == 5).split("\\|", 5);
            final long receiver = Long.parseLong(report[1]);
            final List<String> texts = received.get(receiver);
            assertTrue(null != texts, "a report from a node that should not receive: " + String.join("|", report));
            if (report[4].equals(sentinel))
            {
                sentinels++;
            }
            else
            {
                texts.add(report[4]);
            }
        }

        return received;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // What is injected
    // ----------------------------------------------------------------------------------------------------------------

    /**
     * Data frames that are not clustr's, by their payloads; their reserved values are {@link #reservedValueOf(int)}.
     */
    private static List<byte[]> malformedDataFrames()
    {
        final byte[] large = new byte[5000]; // fragmented on the way in: counted once, when reassembled
        large[0] = 'L';
        return List.of(
            "not a clustr frame".getBytes(StandardCharsets.US_ASCII),
            new byte[]{ 1, 2, 3 },
            new byte[32],
            new byte[16],
            new byte[0],
            large,
            new byte[64],
            new byte[8],
            new byte[3],
            new byte[4]);
    }

    private static long reservedValueOf(final int frame)
    {
        switch (frame)
        {
            case 2:
                return 0xC175L | (15L << 16); // clustr's magic, a format version that does not exist
            case 3:
                return 0xC275L | (1L << 16); // the version, another magic
            case 4:
                return 0x1234_5678_9ABC_DEF0L;
            case 6:
                return MASTER_RESERVED_VALUE << 32; // the right bits in the wrong place
            case 7:
                return 0xC17FL | (1L << 16); // magic and version, a frame type that does not exist
            case 8:
                return 0xC177L | (1L << 16); // an acknowledgement of 3 bytes, not an 8-byte correlation id
            case 9:
                return 0xC176L | (1L << 16); // a message to acknowledge too short for its correlation id
            default:
                return 0; // raw Aeron's
        }
    }

    /**
     * Control frames that would remove or kill members if decoded; all must be counted and skipped.
     */
    private List<byte[]> malformedControlFrames()
    {
        final List<byte[]> frames = new ArrayList<>();
        frames.add("garbage on the control stream".getBytes(StandardCharsets.US_ASCII));
        frames.add(new byte[]{ 8, 0, 13, 0 }); // shorter than a message header
        frames.add(header(8, 99, 8)); // an unknown template
        frames.add(header(4, 13, 4)); // a Kill with a block too short to hold its fields
        frames.add(header(12, 12, 6)); // a Leave whose block runs past the frame's end

        // an Exit of web, whole but for a respawning flag that is neither 0 nor 1
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final ExitEncoder exit = new ExitEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .workerId(web.id()).parentId(0).pid(web.pid()).exitCode(9).signal(0)
            .respawning(io.clustr.codecs.BooleanType.FALSE).reason("forged");
        buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + 32, (byte)7);
        frames.add(copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + exit.encodedLength()));

        // a Join whose last string runs past the frame's end
        final JoinEncoder join = new JoinEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .workerId(987_654).parentId(-1).pid(1).restarts(0).pinnedCpu(-1).startTimeMs(0)
            .group("forged").name("forged").cpus("0-1");
        frames.add(copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + join.encodedLength() - 2));

        frames.add(header(4, 11, 4)); // a JoinAck with a block too short for its worker id
        return frames;
    }

    private static List<byte[]> malformedConfirmationFrames()
    {
        final List<byte[]> frames = new ArrayList<>();
        frames.add("garbage on the confirmation stream".getBytes(StandardCharsets.US_ASCII));
        frames.add(new byte[5]);
        frames.add(header(2, 2, 2)); // a Confirmation with a block too short for its sender id

        final byte[] truncated = confirmation(1, "web", "truncated");
        frames.add(java.util.Arrays.copyOf(truncated, truncated.length - 3));

        final byte[] otherSchema = confirmation(1, "web", "ready");
        otherSchema[4] = (byte)(otherSchema[4] + 1);
        frames.add(otherSchema);

        frames.add(header(8, 10, 40)); // a Join's template on the confirmation stream
        return frames;
    }

    private static byte[] confirmation(final long senderId, final String group, final String id)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final ConfirmationEncoder encoder = new ConfirmationEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .senderId(senderId).senderGroup(group).confirmationId(id);
        return copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * An SBE message header of clustr's schema and version with this block length and template, then
     * {@code bodyLength} zero bytes.
     */
    private static byte[] header(final int blockLength, final int templateId, final int bodyLength)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MessageHeaderEncoder.ENCODED_LENGTH + bodyLength]);
        new MessageHeaderEncoder().wrap(buffer, 0).blockLength(blockLength).templateId(templateId)
            .schemaId(MessageHeaderEncoder.SCHEMA_ID).version(MessageHeaderEncoder.SCHEMA_VERSION);
        return buffer.byteArray();
    }

    private static byte[] copy(final UnsafeBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    // ----------------------------------------------------------------------------------------------------------------

    private int groupStreamId(final String group)
    {
        final Pattern label = Pattern.compile("clustr group: name=" + group + " id=\\d+ stream=(\\d+) .*");
        final CountersReader counters = aeron.countersReader();
        final int[] streamId = { -1 };
        counters.forEach((counterId, typeId, keyBuffer, labelText) ->
        {
            final Matcher matcher = label.matcher(labelText);
            if (ClustrCounters.GROUP_TYPE_ID == typeId && matcher.matches())
            {
                streamId[0] = Integer.parseInt(matcher.group(1));
            }
        });
        assertTrue(streamId[0] > 0, "the driver's counters name group " + group + "'s stream");
        return streamId[0];
    }

    private long malformed(final long nodeId)
    {
        return ClustrCounters.read(aeron.countersReader(), ClustrCounters.MALFORMED_FRAMES_TYPE_ID, nodeId);
    }

    private Map<Long, Long> read(final int typeId, final List<Long> nodes)
    {
        final Map<Long, Long> values = new HashMap<>();
        for (final long node : nodes)
        {
            values.put(node, ClustrCounters.read(aeron.countersReader(), typeId, node));
        }
        return values;
    }

    /**
     * Offer a raw frame whose Aeron header carries the given reserved value (raw Aeron's is 0).
     */
    private static void offer(final Publication publication, final byte[] bytes, final long reservedValue)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        Tests.await(() -> publication.offer(buffer, 0, bytes.length, (termBuffer, termOffset, length) ->
            reservedValue) > 0, ClusterFixture.TIMEOUT, () -> "offer of a raw frame on stream " +
            publication.streamId());
    }
}
