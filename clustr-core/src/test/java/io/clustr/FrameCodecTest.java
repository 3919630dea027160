package io.clustr;

import io.clustr.codecs.DataDecoder;
import io.clustr.codecs.MessageHeaderDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-written hot paths against the generated codec: frames a {@link Route} writes decode with the generated
 * {@link DataDecoder} (the block padding is legal SBE), and {@link DataAdapter} reads exactly what the generated
 * encoder wrote, and counts and skips anything else without throwing.
 */
class FrameCodecTest
{
    private final UnsafeBuffer counters = new UnsafeBuffer(new byte[1024]);
    private final AtomicCounter malformed = new AtomicCounter(counters, 0);
    private final AtomicCounter unhandled = new AtomicCounter(counters, 1);
    private final List<String> received = new ArrayList<>();
    private final HandlerList handlers = new HandlerList();

    @ParameterizedTest
    @CsvSource({
        "'', '', 0", "web, '', 32", "bench-pub, bench-sub, 1", "a, abcdefghijklmnopq, 1024", "cache, '', 300" })
    void shouldWriteFramesThatTheGeneratedDecoderReads(
        final String senderGroup, final String targetGroup, final int payloadLength)
    {
        final byte[] target = targetGroup.isEmpty() ? null : ascii(targetGroup);
        final Route route = new Route(null, 42, ascii(senderGroup), target, 1376, 512 * 1024);
        assertEquals(0, route.headerLength % Long.BYTES, "prefix and payload length fill whole words");

        final byte[] payload = new byte[payloadLength];
        new Random(payloadLength).nextBytes(payload);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[8 + route.headerLength + payloadLength + 8]);
        route.writeFrame(frame, 8, new UnsafeBuffer(payload), 0, payloadLength);

        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(frame, 8);
        assertEquals(DataDecoder.SCHEMA_ID, header.schemaId());
        assertEquals(DataDecoder.TEMPLATE_ID, header.templateId());
        final DataDecoder decoder = new DataDecoder().wrap(
            frame, 8 + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertEquals(42, decoder.senderId());
        assertEquals(senderGroup, decoder.senderGroup());
        assertEquals(targetGroup, decoder.targetGroup());
        final byte[] decoded = new byte[decoder.payloadLength()];
        decoder.getPayload(decoded, 0, decoded.length);
        assertArrayEquals(payload, decoded);
        assertEquals(8 + route.headerLength + payloadLength, decoder.limit());

        final DataAdapter adapter = adapter(target);
        handlers.add((msg) -> received.add(
            msg.senderId() + "|" + msg.senderGroup() + "|" + msg.length() + "|" + (msg.length() > 0 ?
            msg.buffer().getByte(msg.offset() + msg.length() - 1) : "")));
        adapter.onFragment(frame, 8, route.headerLength + payloadLength, null);
        assertEquals(List.of("42|" + senderGroup + "|" + payloadLength + "|" +
            (payloadLength > 0 ? payload[payloadLength - 1] : "")), received);
        assertEquals(0, malformed.get());
    }

    @Test
    void shouldSkipFramesForAnotherGroupSharingTheStream()
    {
        final Route route = new Route(null, 7, ascii("web"), ascii("cache"), 1376, 512 * 1024);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[route.headerLength + 8]);
        route.writeFrame(frame, 0, new UnsafeBuffer(new byte[8]), 0, 8);

        handlers.add((msg) -> received.add("delivered"));
        adapter(ascii("other")).onFragment(frame, 0, route.headerLength + 8, null);
        assertEquals(List.of(), received);
        adapter(ascii("cache")).onFragment(frame, 0, route.headerLength + 8, null);
        assertEquals(List.of("delivered"), received);
        assertEquals(0, malformed.get());
    }

    @Test
    void shouldCountAndSkipEveryTruncationAndCorruptionWithoutThrowing()
    {
        final Route route = new Route(null, 7, ascii("web"), null, 1376, 512 * 1024);
        final byte[] payload = "hello".getBytes(StandardCharsets.US_ASCII);
        final int frameLength = route.headerLength + payload.length;
        final UnsafeBuffer valid = new UnsafeBuffer(new byte[frameLength]);
        route.writeFrame(valid, 0, new UnsafeBuffer(payload), 0, payload.length);
        handlers.add((msg) -> received.add(msg.text()));
        final DataAdapter adapter = adapter(null);

        int expectedMalformed = 0;
        for (int length = 0; length < frameLength; length++)
        {
            final UnsafeBuffer term = new UnsafeBuffer(new byte[frameLength + 64]);
            term.putBytes(0, valid, 0, length);
            adapter.onFragment(term, 0, length, null);
            expectedMalformed++;
        }
        assertEquals(expectedMalformed, malformed.get(), "every truncated frame is malformed");

        final Random random = new Random(1);
        for (int i = 0; i < 10_000; i++)
        {
            final byte[] bytes = new byte[frameLength];
            valid.getBytes(0, bytes);
            bytes[random.nextInt(bytes.length)] = (byte)random.nextInt();
            final UnsafeBuffer term = new UnsafeBuffer(new byte[frameLength + 64]);
            term.putBytes(0, bytes);
            adapter.onFragment(term, 0, frameLength, null);
        }
        assertEquals(10_000, received.size() + malformed.get() - expectedMalformed,
            "each corrupted frame is either delivered or counted as malformed");
        assertTrue(received.stream().allMatch((text) -> text.length() <= payload.length));
    }

    private DataAdapter adapter(final byte[] groupFilter)
    {
        return new DataAdapter(
            null, Channel.Kind.PUBLIC, groupFilter, handlers, Throwable::printStackTrace, malformed, unhandled, 10);
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
