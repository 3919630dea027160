package io.clustr;

import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import io.clustr.codecs.BooleanType;
import io.clustr.codecs.ConfirmationDecoder;
import io.clustr.codecs.ConfirmationEncoder;
import io.clustr.codecs.ExitEncoder;
import io.clustr.codecs.JoinAckEncoder;
import io.clustr.codecs.JoinEncoder;
import io.clustr.codecs.KillEncoder;
import io.clustr.codecs.LeaveEncoder;
import io.clustr.codecs.ListeningEncoder;
import io.clustr.codecs.OperatorAction;
import io.clustr.codecs.OperatorReplyEncoder;
import io.clustr.codecs.OperatorRequestEncoder;
import io.clustr.codecs.OperatorStatus;
import io.clustr.codecs.MessageHeaderDecoder;
import io.clustr.codecs.MessageHeaderEncoder;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded fuzzing of every decoder a node runs on what arrives from the streams: {@link ControlAdapter} (Join,
 * JoinAck, Leave, Kill, Exit, Listening, OperatorRequest, OperatorReply), {@link ConfirmationAdapter},
 * {@link DataAdapter} (whole and fragmented frames, private and untethered, every frame type: message, service,
 * acked, ack, unknown) and {@link FrameFormat}'s reserved-value check. Each decoder gets {@value #INPUTS} inputs:
 * valid frames, the same with bits flipped,
 * truncated, a length or count field set to an extreme, random bytes behind a valid message header, and plain random
 * bytes; each laid into a buffer either with random bytes after it (as in a term) or ending exactly at the buffer's
 * end (so a read past the frame is out of bounds). For every input: no exception escapes, and the input is either
 * delivered or counted as malformed, never both and never neither; unmutated valid frames are always delivered.
 * <p>
 * Input {@code i} of a decoder is generated from the seed {@code base + i}; a failure names that seed. Rerun one
 * input with {@code -Dclustr.fuzz.seed=<seed> -Dclustr.fuzz.inputs=1}, all with another base by setting only
 * {@code clustr.fuzz.seed}.
 */
class DecoderFuzzTest
{
    static final int INPUTS = 100_000;

    private static final long BASE_SEED = Long.getLong("clustr.fuzz.seed", 0x5EED_C1_0000L);
    private static final int RUN = Integer.getInteger("clustr.fuzz.inputs", INPUTS);
    private static final int BUFFER_LENGTH = 4096;
    private static final int SCHEMA_ID = MessageHeaderEncoder.SCHEMA_ID;

    private final UnsafeBuffer counters = new UnsafeBuffer(new byte[1024]);
    private final AtomicCounter malformed = new AtomicCounter(counters, 0);
    private final AtomicCounter unhandled = new AtomicCounter(counters, 1);
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[BUFFER_LENGTH]);

    @Test
    @Timeout(120)
    void shouldCountOrDeliverEveryControlFrameWithoutThrowing()
    {
        final ControlAdapter adapter = new ControlAdapter(null, malformed);
        final CountingControlListener listener = new CountingControlListener();
        adapter.listener(listener);
        final int[] unmutatedValid = new int[1];

        fuzz("control", (random, seed) ->
        {
            final Input input = controlInput(random);
            final long malformedBefore = malformed.get();
            final long deliveredBefore = listener.delivered;
            adapter.onFragment(input.buffer, input.offset, input.length, null);
            final long counted = malformed.get() - malformedBefore;
            final long delivered = listener.delivered - deliveredBefore;
            check(counted + delivered == 1, seed, input, "delivered " + delivered + ", counted " + counted);
            if (input.isUnmutated)
            {
                unmutatedValid[0]++;
                check(delivered == 1, seed, input, "an unmutated valid frame was counted as malformed");
            }
        });

        assertTrue(unmutatedValid[0] > RUN / 10 || RUN < 1000, "valid frames among the inputs: " + unmutatedValid[0]);
        System.out.println("DecoderFuzzTest control: " + RUN + " inputs, " + listener.delivered + " delivered, " +
            malformed.get() + " counted as malformed");
    }

    @Test
    @Timeout(120)
    void shouldCountOrDeliverEveryConfirmationFrameWithoutThrowing()
    {
        final Confirmations confirmations = new Confirmations(Throwable::printStackTrace);
        final long[] delivered = new long[1];
        for (final String id : CONFIRMATION_IDS)
        {
            confirmations.register(1, id, (list) -> delivered[0]++);
        }
        final ConfirmationAdapter adapter = new ConfirmationAdapter(null, confirmations, malformed);

        fuzz("confirmation", (random, seed) ->
        {
            final Input input = confirmationInput(random);
            final long malformedBefore = malformed.get();
            final long deliveredBefore = delivered[0];
            final boolean valid = isValidConfirmation(input);
            final String id = valid ? decodedConfirmationId(input) : null;
            adapter.onFragment(input.buffer, input.offset, input.length, null);
            final long counted = malformed.get() - malformedBefore;
            check(counted == (valid ? 0 : 1), seed, input, "valid " + valid + " but counted " + counted);
            if (valid && CONFIRMATION_IDS.contains(id))
            {
                check(delivered[0] - deliveredBefore == 1, seed, input, "a valid '" + id + "' was not counted");
            }
            if (input.isUnmutated)
            {
                check(valid, seed, input, "an unmutated confirmation judged invalid by the reference decoder");
            }
        });

        System.out.println("DecoderFuzzTest confirmation: " + RUN + " inputs, " + delivered[0] +
            " delivered to registrations, " + malformed.get() + " counted as malformed");
    }

    @Test
    @Timeout(120)
    void shouldCountOrDeliverEveryDataFrameWithoutThrowing()
    {
        final HandlerList handlers = new HandlerList();
        final long[] delivered = new long[1];
        final long[] payloadBytes = new long[1];
        handlers.add((msg) ->
        {
            delivered[0]++;
            payloadBytes[0] += msg.length();
            if (msg.length() > 0)
            {
                msg.buffer().getByte(msg.offset() + msg.length() - 1);
            }
            msg.senderId();
        });
        final HandlerList services = new HandlerList();
        final long[] serviceFrames = new long[1];
        services.add((msg) ->
        {
            serviceFrames[0]++;
            msg.senderId();
        });
        // no acknowledgements machinery (it publishes): ACKED and ACK frames are then counted as malformed here, and
        // their own checks run on a live cluster in InjectionSystemTest
        final DataAdapter privateAdapter = new DataAdapter(null, Channel.Kind.PRIVATE, null, handlers, services, null,
            Throwable::printStackTrace, malformed, unhandled, 10);
        final DataAdapter publicAdapter = new DataAdapter(null, Channel.Kind.PUBLIC, null, handlers, services, null,
            Throwable::printStackTrace, malformed, unhandled, 10);
        final Header header = new Header(0, 16);
        final long[] whole = new long[2];

        fuzz("data", (random, seed) ->
        {
            final int payloadLength = random.nextInt(4) == 0 ? random.nextInt(BUFFER_LENGTH / 2) : random.nextInt(80);
            final boolean atEnd = random.nextBoolean();
            final int frameOffset = atEnd ? BUFFER_LENGTH - DataHeaderFlyweight.HEADER_LENGTH - payloadLength :
                random.nextInt(BUFFER_LENGTH / 2 - DataHeaderFlyweight.HEADER_LENGTH) & ~31;
            fillRandom(random, scratch, 0, BUFFER_LENGTH);
            final long clustrValue =
                FrameFormat.reservedValue(random.nextLong() & Configuration.MAX_WORKER_ID, random.nextInt(16384));
            final long reservedValue = random.nextInt(3) == 0 ? random.nextLong() :
                random.nextBoolean() ? clustrValue : (clustrValue & ~0xFL) | random.nextInt(16);
            final int flags = random.nextInt(4) == 0 ? random.nextInt(256) : FrameDescriptor.UNFRAGMENTED;
            scratch.putLong(frameOffset + DataHeaderFlyweight.RESERVED_VALUE_OFFSET, reservedValue,
                ByteOrder.LITTLE_ENDIAN);
            scratch.putByte(frameOffset + DataHeaderFlyweight.FLAGS_FIELD_OFFSET, (byte)flags);
            if (random.nextBoolean())
            {
                scratch.putInt(frameOffset + DataHeaderFlyweight.FRAME_LENGTH_FIELD_OFFSET,
                    DataHeaderFlyweight.HEADER_LENGTH + payloadLength, ByteOrder.LITTLE_ENDIAN);
            }
            header.buffer(scratch);
            header.offset(frameOffset);

            final boolean isPrivate = random.nextBoolean();
            final DataAdapter adapter = isPrivate ? privateAdapter : publicAdapter;
            if (random.nextInt(8) == 0)
            {
                adapter.beginPoll();
            }
            final long malformedBefore = malformed.get();
            final long deliveredBefore = delivered[0];
            final long servicesBefore = serviceFrames[0];
            final int payloadOffset = frameOffset + DataHeaderFlyweight.HEADER_LENGTH;
            if (random.nextBoolean())
            {
                adapter.onFragment(scratch, payloadOffset, payloadLength, header);
            }
            else
            {
                adapter.onWholeMessage(scratch, payloadOffset, payloadLength, header);
                final long counted = malformed.get() - malformedBefore;
                final long handed = delivered[0] - deliveredBefore + serviceFrames[0] - servicesBefore;
                final int type = (reservedValue & 0xF_FFF0L) == ((0xC17L << 4) | (1L << 16)) ?
                    (int)(reservedValue & 0xF) : -1;
                final boolean valid = 0x5 == type || 0x8 == type; // a message or a service frame
                whole[valid ? 0 : 1]++;
                check(counted == (valid ? 0 : 1) && handed == (valid ? 1 : 0), null, seed,
                    "reserved value 0x" + Long.toHexString(reservedValue) + ": delivered " + handed + ", counted " +
                    counted);
            }
        });

        System.out.println("DecoderFuzzTest data: " + RUN + " inputs (" + (whole[0] + whole[1]) +
            " whole frames straight to the decoder, " + whole[1] + " of them counted), " + delivered[0] +
            " messages and " + serviceFrames[0] + " service frames delivered, " + malformed.get() +
            " counted as malformed");
    }

    @Test
    @Timeout(60)
    void shouldAcceptExactlyTheReservedValuesOfThisFormat()
    {
        final long expectedFormat = 0xC175L | ((long)FrameFormat.VERSION << 16);
        fuzz("reserved value", (random, seed) ->
        {
            for (int i = 0; i < 10; i++)
            {
                final long value = i % 2 == 0 ? random.nextLong() : (random.nextLong() & ~0xF_FFFFL) |
                    (expectedFormat ^ (random.nextInt(8) == 0 ? 0 : 1L << random.nextInt(20)));
                final boolean checkBits = (value & 0xF_FFF0L) == (expectedFormat & ~0xFL);
                final long type = value & 0xF;
                final boolean valid = checkBits && type >= FrameFormat.MESSAGE && type <= FrameFormat.SERVICE;
                final boolean message = (value & 0xF_FFFFL) == expectedFormat;
                check(FrameFormat.isValid(value) == valid && FrameFormat.isMessage(value) == message &&
                    FrameFormat.type(value) == (valid ? (int)type : FrameFormat.NOT_CLUSTR), null, seed,
                    "reserved value 0x" + Long.toHexString(value));
                if (message)
                {
                    final long senderId = FrameFormat.senderId(value);
                    final int groupId = FrameFormat.senderGroupId(value);
                    check(FrameFormat.reservedValue(senderId, groupId) == value, null, seed,
                        "round trip of 0x" + Long.toHexString(value));
                }
            }
        });
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Inputs
    // ----------------------------------------------------------------------------------------------------------------

    private static final List<String> CONFIRMATION_IDS = List.of("ready", "done", "");

    private Input controlInput(final SplittableRandom random)
    {
        final int encodeOffset = 64;
        final int length;
        switch (random.nextInt(8))
        {
            case 6:
                length = MessageHeaderEncoder.ENCODED_LENGTH + new OperatorRequestEncoder()
                    .wrapAndApplyHeader(scratch, encodeOffset, new MessageHeaderEncoder())
                    .requestId(random.nextLong()).requesterPid(random.nextLong())
                    .action(random.nextBoolean() ? OperatorAction.RELOAD : OperatorAction.SCALE)
                    .count(random.nextInt()).group(ascii(random, 40)).encodedLength();
                break;

            case 7:
                length = MessageHeaderEncoder.ENCODED_LENGTH + new OperatorReplyEncoder()
                    .wrapAndApplyHeader(scratch, encodeOffset, new MessageHeaderEncoder())
                    .requestId(random.nextLong()).requesterPid(random.nextLong())
                    .status(OperatorStatus.values()[random.nextInt(3)])
                    .message(utf8(random, 300)).encodedLength();
                break;

            case 0:
                length = MessageHeaderEncoder.ENCODED_LENGTH + new JoinEncoder()
                    .wrapAndApplyHeader(scratch, encodeOffset, new MessageHeaderEncoder())
                    .workerId(random.nextLong()).parentId(random.nextLong()).pid(random.nextLong())
                    .restarts(random.nextInt()).pinnedCpu(random.nextInt()).startTimeMs(random.nextLong())
                    .group(ascii(random, 40)).name(utf8(random, 80)).cpus(ascii(random, 20)).encodedLength();
                break;

            case 1:
            {
                final JoinAckEncoder encoder = new JoinAckEncoder()
                    .wrapAndApplyHeader(scratch, encodeOffset, new MessageHeaderEncoder())
                    .workerId(random.nextLong()).masterPid(random.nextLong());
                final int members = random.nextInt(6);
                final JoinAckEncoder.MembersEncoder m = encoder.membersCount(members);
                for (int i = 0; i < members; i++)
                {
                    m.next().workerId(random.nextLong()).parentId(random.nextLong()).pid(random.nextLong())
                        .restarts(random.nextInt()).pinnedCpu(random.nextInt()).startTimeMs(random.nextLong())
                        .group(ascii(random, 20)).name(utf8(random, 30)).cpus(ascii(random, 10));
                }
                length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
                break;
            }

            case 2:
                length = MessageHeaderEncoder.ENCODED_LENGTH + new LeaveEncoder()
                    .wrapAndApplyHeader(scratch, encodeOffset, new MessageHeaderEncoder())
                    .workerId(random.nextLong()).exitCode(random.nextInt()).encodedLength();
                break;

            case 3:
                length = MessageHeaderEncoder.ENCODED_LENGTH + new KillEncoder()
                    .wrapAndApplyHeader(scratch, encodeOffset, new MessageHeaderEncoder())
                    .targetId(random.nextLong()).requesterId(random.nextLong()).exitCode(random.nextInt())
                    .encodedLength();
                break;

            case 4:
            {
                final byte[] address = new byte[random.nextBoolean() ? 4 : 16];
                fillRandom(random, address, 0, address.length);
                length = MessageHeaderEncoder.ENCODED_LENGTH + new ListeningEncoder()
                    .wrapAndApplyHeader(scratch, encodeOffset, new MessageHeaderEncoder())
                    .workerId(random.nextLong()).port(1 + random.nextInt(65535))
                    .putAddress(address, 0, address.length).encodedLength();
                break;
            }

            default:
                length = MessageHeaderEncoder.ENCODED_LENGTH + new ExitEncoder()
                    .wrapAndApplyHeader(scratch, encodeOffset, new MessageHeaderEncoder())
                    .workerId(random.nextLong()).parentId(random.nextLong()).pid(random.nextLong())
                    .exitCode(random.nextInt()).signal(random.nextInt())
                    .respawning(random.nextBoolean() ? BooleanType.TRUE : BooleanType.FALSE)
                    .reason(utf8(random, 300)).encodedLength();
                break;
        }

        return mutateAndPlace(random, encodeOffset, length);
    }

    private Input confirmationInput(final SplittableRandom random)
    {
        final int encodeOffset = 64;
        final String id = random.nextBoolean() ?
            CONFIRMATION_IDS.get(random.nextInt(CONFIRMATION_IDS.size())) : utf8(random, 40);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + new ConfirmationEncoder()
            .wrapAndApplyHeader(scratch, encodeOffset, new MessageHeaderEncoder())
            .senderId(random.nextLong()).senderGroup(ascii(random, 30)).confirmationId(id).encodedLength();

        return mutateAndPlace(random, encodeOffset, length);
    }

    /**
     * Mutate the frame encoded at {@code encodeOffset} in the scratch buffer and lay it into a fresh buffer.
     */
    private Input mutateAndPlace(final SplittableRandom random, final int encodeOffset, final int encodedLength)
    {
        final byte[] frame = new byte[Math.max(encodedLength, 1024)];
        scratch.getBytes(encodeOffset, frame, 0, encodedLength);
        int length = encodedLength;
        boolean isUnmutated = false;
        final int mutation = random.nextInt(8);
        switch (mutation)
        {
            case 0:
            case 1:
                isUnmutated = true;
                break;

            case 2:
                for (int flips = 1 + random.nextInt(8), i = 0; i < flips; i++)
                {
                    frame[random.nextInt(length)] ^= (byte)(1 << random.nextInt(8));
                }
                break;

            case 3:
                length = random.nextInt(length + 1);
                break;

            case 4:
            {
                final int at = random.nextInt(Math.max(1, length - 1));
                final int[] extremes = { 0, 1, 0x7F, 0x80, 0xFE, 0xFF, 0x7FFF, 0x8000, 0xFFFF, random.nextInt(65536) };
                final int value = extremes[random.nextInt(extremes.length)];
                frame[at] = (byte)value;
                if (at + 1 < length)
                {
                    frame[at + 1] = (byte)(value >>> 8);
                }
                break;
            }

            case 5:
                length = random.nextInt(frame.length + 1);
                fillRandom(random, frame, MessageHeaderEncoder.ENCODED_LENGTH, frame.length);
                break;

            case 6:
                length = random.nextInt(MessageHeaderEncoder.ENCODED_LENGTH * 4);
                fillRandom(random, frame, 0, frame.length);
                break;

            default:
            {
                // a header that names the schema with any template, block length and version
                final UnsafeBuffer h = new UnsafeBuffer(frame);
                h.putShort(0, (short)random.nextInt(65536), ByteOrder.LITTLE_ENDIAN);
                h.putShort(2, (short)random.nextInt(20), ByteOrder.LITTLE_ENDIAN);
                h.putShort(4, (short)SCHEMA_ID, ByteOrder.LITTLE_ENDIAN);
                h.putShort(6, (short)random.nextInt(65536), ByteOrder.LITTLE_ENDIAN);
                length = random.nextInt(frame.length + 1);
                break;
            }
        }

        final boolean atEnd = random.nextBoolean();
        final byte[] bytes = new byte[atEnd ? Math.max(length, 1) + 32 : BUFFER_LENGTH];
        fillRandom(random, bytes, 0, bytes.length);
        final int offset = atEnd ? bytes.length - length : 32 + random.nextInt(BUFFER_LENGTH - 2048);
        System.arraycopy(frame, 0, bytes, offset, length);

        return new Input(new UnsafeBuffer(bytes), offset, length, isUnmutated, mutation);
    }

    /**
     * The reference: the generated decoder over a copy of the frame alone, so any read past its end throws.
     */
    private static boolean isValidConfirmation(final Input input)
    {
        if (input.length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return false;
        }

        final UnsafeBuffer exact = new UnsafeBuffer(new byte[input.length]);
        exact.putBytes(0, input.buffer, input.offset, input.length);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(exact, 0);
        if (header.schemaId() != ConfirmationDecoder.SCHEMA_ID ||
            header.templateId() != ConfirmationDecoder.TEMPLATE_ID ||
            header.blockLength() < ConfirmationDecoder.BLOCK_LENGTH)
        {
            return false;
        }

        try
        {
            final ConfirmationDecoder decoder = new ConfirmationDecoder().wrap(
                exact, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            decoder.senderId();
            decoder.senderGroup();
            decoder.confirmationId();
            return decoder.limit() <= input.length;
        }
        catch (final IndexOutOfBoundsException ex)
        {
            return false;
        }
    }

    private static String decodedConfirmationId(final Input input)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(input.buffer, input.offset);
        final ConfirmationDecoder decoder = new ConfirmationDecoder().wrap(
            input.buffer, input.offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        decoder.senderGroup();
        return decoder.confirmationId();
    }

    private static String ascii(final SplittableRandom random, final int maxLength)
    {
        final char[] chars = new char[random.nextInt(maxLength + 1)];
        for (int i = 0; i < chars.length; i++)
        {
            chars[i] = (char)(' ' + random.nextInt(95));
        }
        return new String(chars);
    }

    private static String utf8(final SplittableRandom random, final int maxLength)
    {
        final StringBuilder builder = new StringBuilder();
        for (int i = 0, n = random.nextInt(maxLength + 1); i < n; i++)
        {
            // below the surrogates: every code point is one char, and the text is valid UTF-8 of 1 to 3 bytes each
            builder.appendCodePoint(random.nextInt(4) == 0 ? 0x80 + random.nextInt(0xD800 - 0x80) :
                ' ' + random.nextInt(95));
        }
        return builder.toString();
    }

    private static void fillRandom(
        final SplittableRandom random, final UnsafeBuffer buffer, final int from, final int to)
    {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES)
        {
            buffer.putLong(i, random.nextLong());
        }
        for (; i < to; i++)
        {
            buffer.putByte(i, (byte)random.nextInt(256));
        }
    }

    private static void fillRandom(final SplittableRandom random, final byte[] bytes, final int from, final int to)
    {
        fillRandom(random, new UnsafeBuffer(bytes), from, to);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // The loop
    // ----------------------------------------------------------------------------------------------------------------

    @FunctionalInterface
    interface Case
    {
        void run(SplittableRandom random, long seed);
    }

    /**
     * Run {@link #RUN} inputs, each from its own seed; any exception or failed check names the seed.
     */
    private static void fuzz(final String decoder, final Case fuzzCase)
    {
        for (int i = 0; i < RUN; i++)
        {
            final long seed = BASE_SEED + i;
            try
            {
                fuzzCase.run(new SplittableRandom(seed), seed);
            }
            catch (final FuzzFailure ex)
            {
                throw ex;
            }
            catch (final Throwable ex)
            {
                throw new AssertionError(decoder + " input " + i + " threw " + ex + ": rerun it with " +
                    "-Dclustr.fuzz.seed=" + seed + " -Dclustr.fuzz.inputs=1", ex);
            }
        }
    }

    private static void check(final boolean condition, final long seed, final Input input, final String what)
    {
        if (!condition)
        {
            throw new FuzzFailure(what + " for seed " + seed + " (" + input + "): rerun it with -Dclustr.fuzz.seed=" +
                seed + " -Dclustr.fuzz.inputs=1");
        }
    }

    private static void check(final boolean condition, final Object unused, final long seed, final String what)
    {
        if (!condition)
        {
            throw new FuzzFailure(what + " for seed " + seed + ": rerun it with -Dclustr.fuzz.seed=" + seed +
                " -Dclustr.fuzz.inputs=1");
        }
    }

    private static final class FuzzFailure extends AssertionError
    {
        private static final long serialVersionUID = 1L;

        FuzzFailure(final String message)
        {
            super(message);
        }
    }

    private static final class Input
    {
        final UnsafeBuffer buffer;
        final int offset;
        final int length;
        final boolean isUnmutated;
        final int mutation;

        Input(final UnsafeBuffer buffer, final int offset, final int length, final boolean isUnmutated,
            final int mutation)
        {
            this.buffer = buffer;
            this.offset = offset;
            this.length = length;
            this.isUnmutated = isUnmutated;
            this.mutation = mutation;
        }

        @Override
        public String toString()
        {
            final byte[] bytes = new byte[Math.min(length, 64)];
            buffer.getBytes(offset, bytes);
            return "mutation " + mutation + ", " + length + " bytes at " + offset + " of " + buffer.capacity() +
                ", first: " + BitUtil.toHex(bytes);
        }
    }

    private static final class CountingControlListener implements ControlListener
    {
        long delivered;

        @Override
        public void onJoin(final MemberInfo member)
        {
            delivered++;
        }

        @Override
        public boolean isJoinAckWanted(final long workerId)
        {
            return true;
        }

        @Override
        public void onJoinAck(final long workerId, final long masterPid, final List<MemberInfo> members)
        {
            delivered++;
        }

        @Override
        public void onLeave(final long workerId, final int exitCode)
        {
            delivered++;
        }

        @Override
        public void onKill(final long targetId, final long requesterId, final int exitCode)
        {
            delivered++;
        }

        @Override
        public void onOperatorRequest(
            final long requestId, final long requesterPid, final boolean reload, final int count, final String group)
        {
            delivered++;
        }

        @Override
        public void onOperatorReply()
        {
            delivered++;
        }

        @Override
        public void onExit(
            final long workerId,
            final long parentId,
            final long pid,
            final int exitCode,
            final int signal,
            final boolean respawning,
            final String reason)
        {
            delivered++;
        }

        @Override
        public void onListening(final long workerId, final InetSocketAddress address)
        {
            delivered++;
        }
    }
}
