package io.clustr;

import io.aeron.Aeron;
import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data frame format: the sender in the reserved value of Aeron's header round-trips for every id the cluster
 * can hand out, {@link DataAdapter} hands handlers exactly the bytes after Aeron's header, and a frame whose
 * reserved value is not clustr's is counted and skipped without throwing.
 */
class FrameCodecTest
{
    private final UnsafeBuffer counters = new UnsafeBuffer(new byte[1024]);
    private final AtomicCounter malformed = new AtomicCounter(counters, 0);
    private final AtomicCounter unhandled = new AtomicCounter(counters, 1);
    private final List<String> received = new ArrayList<>();
    private final HandlerList handlers = new HandlerList();
    private final HandlerList services = new HandlerList();

    @ParameterizedTest
    @CsvSource({ "0, 0", "1, 1", "42, 7", "1073741823, 16383", "123456789, 100" })
    void shouldCarryTheSenderInTheReservedValue(final long senderId, final int groupId)
    {
        final long reservedValue = FrameFormat.reservedValue(senderId, groupId);
        assertTrue(FrameFormat.isMessage(reservedValue));
        assertEquals(FrameFormat.MESSAGE, FrameFormat.type(reservedValue));
        assertEquals(senderId, FrameFormat.senderId(reservedValue));
        assertEquals(groupId, FrameFormat.senderGroupId(reservedValue));
    }

    @Test
    void shouldRoundTripRandomSendersAndRejectEveryChangeToMagicOrVersion()
    {
        assertEquals(Configuration.MAX_WORKER_ID, FrameFormat.senderId(
            FrameFormat.reservedValue(Configuration.MAX_WORKER_ID, GroupRegistry.MAX_GROUP_ID)));
        final Random random = new Random(7);
        for (int i = 0; i < 100_000; i++)
        {
            final long senderId = (random.nextLong() & Long.MAX_VALUE) % (Configuration.MAX_WORKER_ID + 1);
            final int groupId = random.nextInt(GroupRegistry.MAX_GROUP_ID + 1);
            final long reservedValue = FrameFormat.reservedValue(senderId, groupId);
            assertEquals(senderId, FrameFormat.senderId(reservedValue));
            assertEquals(groupId, FrameFormat.senderGroupId(reservedValue));

            final int bit = 4 + random.nextInt(16);
            assertFalse(FrameFormat.isValid(reservedValue ^ (1L << bit)), "flipped magic or version bit " + bit);
            final int type = random.nextInt(16);
            final long typed = FrameFormat.withType(reservedValue, type);
            assertEquals(type >= FrameFormat.MESSAGE && type <= FrameFormat.SERVICE ? type : FrameFormat.NOT_CLUSTR,
                FrameFormat.type(typed));
            assertEquals(senderId, FrameFormat.senderId(typed));
            assertEquals(groupId, FrameFormat.senderGroupId(typed));
        }
        assertFalse(FrameFormat.isValid(0), "a raw Aeron frame's default reserved value");
    }

    @ParameterizedTest
    @CsvSource({ "0", "1", "32", "1376", "8160" })
    void shouldDeliverThePayloadRightAfterAeronsHeader(final int payloadLength)
    {
        final byte[] payload = new byte[payloadLength];
        new Random(payloadLength).nextBytes(payload);
        final UnsafeBuffer term = new UnsafeBuffer(new byte[16384]);
        final int frameOffset = 64;
        final Header header = frame(term, frameOffset, FrameFormat.reservedValue(42, 3));
        term.putBytes(frameOffset + DataHeaderFlyweight.HEADER_LENGTH, payload);

        handlers.add((msg) -> received.add(msg.kind() + "|" + msg.senderId() + "|" + msg.length() + "|" +
            (msg.length() > 0 ? msg.buffer().getByte(msg.offset() + msg.length() - 1) : "")));
        adapter().onWholeMessage(term, frameOffset + DataHeaderFlyweight.HEADER_LENGTH, payloadLength, header);

        assertEquals(List.of("PRIVATE|42|" + payloadLength + "|" +
            (payloadLength > 0 ? payload[payloadLength - 1] : "")), received);
        assertEquals(0, malformed.get());
    }

    @Test
    void shouldHandServiceFramesOnlyToServiceHandlersAndRefuseAcknowledgementsOffThePrivateStream()
    {
        final UnsafeBuffer term = new UnsafeBuffer(new byte[256]);
        final List<String> serviceFrames = new ArrayList<>();
        handlers.add((msg) -> received.add("message " + msg.text()));
        services.add((msg) -> serviceFrames.add(msg.senderId() + " " + msg.text()));
        final DataAdapter adapter = adapter();
        final long message = FrameFormat.reservedValue(42, 3);
        term.putStringWithoutLengthAscii(DataHeaderFlyweight.HEADER_LENGTH, "12345678");

        adapter.onWholeMessage(term, DataHeaderFlyweight.HEADER_LENGTH, 8, frame(term, 0, message));
        adapter.onWholeMessage(term, DataHeaderFlyweight.HEADER_LENGTH, 8,
            frame(term, 0, FrameFormat.withType(message, FrameFormat.SERVICE)));
        assertEquals(List.of("message 12345678"), received);
        assertEquals(List.of("42 12345678"), serviceFrames);

        // this adapter takes no acknowledgements (as the public and group streams): counted and skipped
        adapter.onWholeMessage(term, DataHeaderFlyweight.HEADER_LENGTH, 8,
            frame(term, 0, FrameFormat.withType(message, FrameFormat.ACKED)));
        adapter.onWholeMessage(term, DataHeaderFlyweight.HEADER_LENGTH, 8,
            frame(term, 0, FrameFormat.withType(message, FrameFormat.ACK)));
        assertEquals(2, malformed.get());
        assertEquals(1, received.size());
    }

    @Test
    void shouldCountAndSkipFramesThatAreNotClustrsWithoutThrowing()
    {
        final UnsafeBuffer term = new UnsafeBuffer(new byte[256]);
        handlers.add((msg) -> received.add(msg.text()));
        final DataAdapter adapter = adapter();
        final Random random = new Random(3);
        int expectedMalformed = 0;
        for (int i = 0; i < 10_000; i++)
        {
            final long reservedValue = random.nextLong();
            final Header header = frame(term, 0, reservedValue);
            adapter.onWholeMessage(term, DataHeaderFlyweight.HEADER_LENGTH, 16, header);
            final int type = FrameFormat.type(reservedValue);
            if (FrameFormat.NOT_CLUSTR == type || FrameFormat.ACKED == type || FrameFormat.ACK == type)
            {
                expectedMalformed++; // no acknowledgements on this adapter
            }
        }
        assertEquals(expectedMalformed, malformed.get());
        assertEquals(10_000 - expectedMalformed, received.size() + unhandled.get());

        adapter.onWholeMessage(term, DataHeaderFlyweight.HEADER_LENGTH, 16, frame(term, 0, 0));
        assertEquals(expectedMalformed + 1, malformed.get(), "a raw Aeron frame has reserved value 0");
    }

    @Test
    void shouldCountMessagesNobodyHandles()
    {
        final UnsafeBuffer term = new UnsafeBuffer(new byte[256]);
        final Header header = frame(term, 0, FrameFormat.reservedValue(1, 1));
        adapter().onWholeMessage(term, DataHeaderFlyweight.HEADER_LENGTH, 8, header);
        assertEquals(1, unhandled.get());
        assertEquals(0, malformed.get());
    }

    @Test
    void shouldSkipTheRestOfAPollOnceAFrameIsFromALaterLapOfTheLog()
    {
        final UnsafeBuffer term = new UnsafeBuffer(new byte[1024]);
        final DataAdapter adapter = textRecordingPublicAdapter();

        adapter.beginPoll();
        feed(adapter, term, 0, 7, "one");
        feed(adapter, term, 64, 7, "two");
        feed(adapter, term, 128, 10, "lap");
        feed(adapter, term, 192, 7, "after");
        assertEquals(List.of("one", "two"), received, "a frame of term 10 in a poll of term 7: overwritten");

        adapter.beginPoll();
        feed(adapter, term, 256, 10, "next");
        assertEquals(List.of("one", "two", "next"), received, "the next poll starts afresh");
    }

    @Test
    void shouldRecordHowFarItConsumedEveryLogOfAPoll()
    {
        final UnsafeBuffer termOne = new UnsafeBuffer(new byte[1024]);
        final UnsafeBuffer termTwo = new UnsafeBuffer(new byte[1024]);
        final DataAdapter adapter = textRecordingPublicAdapter();
        final Object imageOne = new Object();
        final Object imageTwo = new Object();

        adapter.beginPoll();
        feed(adapter, termOne, 0, 7, 1, imageOne, "one");
        feed(adapter, termOne, 64, 7, 1, imageOne, "two with a longer payload than 32 bytes");
        feed(adapter, termTwo, 0, 3, 2, imageTwo, "a");
        assertEquals((7L << 16) + 64 + 96, adapter.consumedPosition(1), "each frame is 32-byte aligned");
        assertEquals((3L << 16) + 64, adapter.consumedPosition(2));

        adapter.beginPoll();
        feed(adapter, termTwo, 64, 3, 2, imageTwo, "b");
        assertEquals((3L << 16) + 128, adapter.consumedPosition(2));
        assertEquals(Aeron.NULL_VALUE, adapter.consumedPosition(9), "a log it never read");

        adapter.onEndOfStream(2);
        assertEquals(Aeron.NULL_VALUE, adapter.consumedPosition(2), "a log that ended is forgotten");
        assertEquals((7L << 16) + 160, adapter.consumedPosition(1));
    }

    @Test
    void shouldRecordNothingOnThePrivateStreamWhichIsNeverCutLoose()
    {
        final UnsafeBuffer term = new UnsafeBuffer(new byte[1024]);
        final DataAdapter adapter = adapter();
        adapter.beginPoll();
        feed(adapter, term, 0, 7, 1, new Object(), "one");
        assertEquals(Aeron.NULL_VALUE, adapter.consumedPosition(1));
    }

    @Test
    void shouldNotDeliverAgainWhatTheOldSubscriptionConsumedOfAnyLogWhenTheNewOneJoinsBehind()
    {
        final UnsafeBuffer termOne = new UnsafeBuffer(new byte[1024]);
        final UnsafeBuffer termTwo = new UnsafeBuffer(new byte[1024]);
        final DataAdapter adapter = textRecordingPublicAdapter();
        final Object imageOne = new Object();
        final Object imageTwo = new Object();

        // The old subscription consumed log 1 up to the end of its frame at 64, log 2 up to the end of the one at 0
        // (it was cut loose from one of them; the new subscription joins both at the slowest subscriber's position).
        final List<Long> missed = new ArrayList<>();
        adapter.resumeAfter(consumedOfLogs((7L << 16) + 128, (7L << 16) + 64), missed::add);
        assertEquals((7L << 16) + 128, adapter.consumedPosition(1), "what it skips counts as consumed");

        adapter.beginPoll();
        feed(adapter, termOne, 0, 7, 1, imageOne, "1.0");
        feed(adapter, termTwo, 0, 7, 2, imageTwo, "2.0");
        feed(adapter, termTwo, 64, 7, 2, imageTwo, "2.1");
        feed(adapter, termTwo, 128, 7, 2, imageTwo, "2.2");
        adapter.beginPoll();
        feed(adapter, termOne, 64, 7, 1, imageOne, "1.1");
        feed(adapter, termOne, 128, 7, 1, imageOne, "1.2");
        feed(adapter, termOne, 192, 7, 1, imageOne, "1.3");
        feed(adapter, termTwo, 192, 7, 2, imageTwo, "2.3");
        assertEquals(List.of("2.1", "2.2", "1.2", "1.3", "2.3"), received,
            "each log from where the old subscription left it, whichever log a poll reads first");
        assertEquals((7L << 16) + 256, adapter.consumedPosition(1));
        assertEquals((7L << 16) + 256, adapter.consumedPosition(2));
        assertEquals(List.of(), missed, "it joined both logs behind what was consumed");
    }

    @Test
    void shouldTellWhatWasMissedBeforeTheFirstMessageAfterTheGapWhenTheNewSubscriptionJoinsALogAhead()
    {
        final UnsafeBuffer termOne = new UnsafeBuffer(new byte[1024]);
        final UnsafeBuffer termTwo = new UnsafeBuffer(new byte[1024]);
        final List<Long> missed = new ArrayList<>();
        handlers.add((msg) -> received.add(
            msg.buffer().getStringWithoutLengthAscii(msg.offset(), msg.length()) + " after " + missed));
        final DataAdapter adapter = publicAdapter();
        final Object imageOne = new Object();
        final Object imageTwo = new Object();

        // Cut loose from log 1 at 64, resumed at 256 (three 64-byte frames missed); log 2 consumed up to 64 and
        // joined behind it.
        adapter.resumeAfter(consumedOfLogs((7L << 16) + 64, (7L << 16) + 64), missed::add);

        adapter.beginPoll();
        feed(adapter, termTwo, 0, 7, 2, imageTwo, "2.0");
        feed(adapter, termTwo, 64, 7, 2, imageTwo, "2.1");
        feed(adapter, termOne, 256, 7, 1, imageOne, "1.4");
        feed(adapter, termOne, 320, 7, 1, imageOne, "1.5");
        feed(adapter, termTwo, 128, 7, 2, imageTwo, "2.2");
        assertEquals(List.of("2.1 after []", "1.4 after [192]", "1.5 after [192]", "2.2 after [192]"), received);
        assertEquals((7L << 16) + 384, adapter.consumedPosition(1));
    }

    /**
     * Write an unfragmented clustr data frame of the given term id into a term buffer and hand it to the adapter as
     * a subscription's poll would.
     */
    private static void feed(
        final DataAdapter adapter, final UnsafeBuffer term, final int frameOffset, final int termId, final String text)
    {
        feed(adapter, term, frameOffset, termId, 0, null, text);
    }

    /**
     * As {@link #feed(DataAdapter, UnsafeBuffer, int, int, String)}, for the log of a session, read through an image
     * ({@code context}: each image of a subscription has its own header, whose context is the image).
     */
    private static void feed(
        final DataAdapter adapter,
        final UnsafeBuffer term,
        final int frameOffset,
        final int termId,
        final int sessionId,
        final Object context,
        final String text)
    {
        final int payloadOffset = frameOffset + DataHeaderFlyweight.HEADER_LENGTH;
        term.putStringWithoutLengthAscii(payloadOffset, text);
        term.putInt(frameOffset + DataHeaderFlyweight.FRAME_LENGTH_FIELD_OFFSET,
            DataHeaderFlyweight.HEADER_LENGTH + text.length(), ByteOrder.LITTLE_ENDIAN);
        term.putByte(frameOffset + DataHeaderFlyweight.FLAGS_FIELD_OFFSET,
            (byte)DataHeaderFlyweight.BEGIN_AND_END_FLAGS);
        term.putInt(frameOffset + DataHeaderFlyweight.TERM_ID_FIELD_OFFSET, termId, ByteOrder.LITTLE_ENDIAN);
        term.putInt(frameOffset + DataHeaderFlyweight.TERM_OFFSET_FIELD_OFFSET, frameOffset, ByteOrder.LITTLE_ENDIAN);
        term.putInt(frameOffset + DataHeaderFlyweight.SESSION_ID_FIELD_OFFSET, sessionId, ByteOrder.LITTLE_ENDIAN);
        final Header header = frame(term, frameOffset, FrameFormat.reservedValue(5, 0));
        header.context(context);
        adapter.onFragment(term, payloadOffset, text.length(), header);
    }

    private static Header frame(final UnsafeBuffer term, final int frameOffset, final long reservedValue)
    {
        term.putLong(frameOffset + DataHeaderFlyweight.RESERVED_VALUE_OFFSET, reservedValue, ByteOrder.LITTLE_ENDIAN);
        final Header header = new Header(0, 16);
        header.buffer(term);
        header.offset(frameOffset);
        return header;
    }

    /**
     * What an old adapter consumed of logs 1 and 2, as {@link DataAdapter#resumeAfter} takes it.
     */
    private static Long2LongHashMap consumedOfLogs(final long logOne, final long logTwo)
    {
        final Long2LongHashMap consumed = new Long2LongHashMap(Aeron.NULL_VALUE);
        consumed.put(1, logOne);
        consumed.put(2, logTwo);
        return consumed;
    }

    /**
     * An adapter of an untethered stream whose handler records each payload as text.
     */
    private DataAdapter textRecordingPublicAdapter()
    {
        handlers.add((msg) -> received.add(msg.buffer().getStringWithoutLengthAscii(msg.offset(), msg.length())));
        return publicAdapter();
    }

    private DataAdapter publicAdapter()
    {
        return new DataAdapter(
            null, Channel.Kind.PUBLIC, null, handlers, new HandlerList(), null, Throwable::printStackTrace, malformed,
            unhandled, 10);
    }

    private DataAdapter adapter()
    {
        return new DataAdapter(
            null, Channel.Kind.PRIVATE, null, handlers, services, null, Throwable::printStackTrace, malformed,
            unhandled, 10);
    }
}
