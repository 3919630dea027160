package io.clustr.bench.aeron;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.clustr.bench.Args;
import io.clustr.bench.workload.BenchLine;
import io.clustr.bench.workload.MessageSink;
import io.clustr.bench.workload.ParentWatch;
import io.clustr.bench.workload.ThroughputPublisher;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Raw Aeron throughput publisher: {@code Publication.offer} as fast as accepted, idling with the given strategy when
 * back-pressured, through a {@link ThroughputPublisher}.
 * <p>
 * Diagnostic variants ({@code --encode}): {@code claim} writes the payload with {@code tryClaim}; {@code frame}
 * writes, with {@code tryClaim}, a frame laid out as clustr's data frame (8 byte header, sender id, 1 + 9 byte
 * sender group, 1 + 0 byte target group, 4 byte length, payload) field by field, so that the cost of that encoding
 * can be told apart from the rest of clustr's publish path. The subscriber then needs {@code --payload-offset}.
 */
public final class AeronPublisherMain
{
    private static final long DRAIN_TIMEOUT_NS = 30_000_000_000L;

    /**
     * Where the payload starts in a {@code frame}-encoded message: what the subscriber's {@code --payload-offset}
     * must be.
     */
    public static final int FRAME_PAYLOAD_OFFSET = 8 + 8 + 1 + 9 + 1 + 4;

    private static final byte[] SENDER_GROUP = "bench-pub".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TARGET_GROUP = new byte[0];

    private AeronPublisherMain()
    {
    }

    private static MessageSink sink(final String encode, final Publication publication)
    {
        final BufferClaim claim = new BufferClaim();
        switch (encode)
        {
            case "offer":
                return (buffer, length) -> publication.offer(buffer, 0, length) > 0;

            case "claim":
                return (buffer, length) ->
                {
                    if (publication.tryClaim(length, claim) > 0)
                    {
                        claim.buffer().putBytes(claim.offset(), buffer, 0, length);
                        claim.commit();
                        return true;
                    }

                    return false;
                };

            case "frame":
                return (buffer, length) ->
                {
                    if (publication.tryClaim(FRAME_PAYLOAD_OFFSET + length, claim) > 0)
                    {
                        final MutableDirectBuffer out = claim.buffer();
                        int offset = claim.offset();
                        out.putShort(offset, (short)8, ByteOrder.LITTLE_ENDIAN);
                        out.putShort(offset + 2, (short)1, ByteOrder.LITTLE_ENDIAN);
                        out.putShort(offset + 4, (short)77, ByteOrder.LITTLE_ENDIAN);
                        out.putShort(offset + 6, (short)1, ByteOrder.LITTLE_ENDIAN);
                        out.putLong(offset + 8, 42L, ByteOrder.LITTLE_ENDIAN);
                        offset += 16;
                        out.putByte(offset, (byte)SENDER_GROUP.length);
                        out.putBytes(offset + 1, SENDER_GROUP, 0, SENDER_GROUP.length);
                        offset += 1 + SENDER_GROUP.length;
                        out.putByte(offset, (byte)TARGET_GROUP.length);
                        out.putBytes(offset + 1, TARGET_GROUP, 0, TARGET_GROUP.length);
                        offset += 1 + TARGET_GROUP.length;
                        out.putInt(offset, length, ByteOrder.LITTLE_ENDIAN);
                        out.putBytes(offset + 4, buffer, 0, length);
                        claim.commit();
                        return true;
                    }

                    return false;
                };

            case "prefix":
            {
                // The same frame, with its constant part (header, sender id, groups) encoded once and copied whole.
                final UnsafeBuffer prefix = new UnsafeBuffer(new byte[FRAME_PAYLOAD_OFFSET - 4]);
                prefix.putShort(0, (short)8, ByteOrder.LITTLE_ENDIAN);
                prefix.putShort(2, (short)1, ByteOrder.LITTLE_ENDIAN);
                prefix.putShort(4, (short)77, ByteOrder.LITTLE_ENDIAN);
                prefix.putShort(6, (short)1, ByteOrder.LITTLE_ENDIAN);
                prefix.putLong(8, 42L, ByteOrder.LITTLE_ENDIAN);
                prefix.putByte(16, (byte)SENDER_GROUP.length);
                prefix.putBytes(17, SENDER_GROUP);
                prefix.putByte(17 + SENDER_GROUP.length, (byte)0);
                final int prefixLength = prefix.capacity();
                return (buffer, length) ->
                {
                    if (publication.tryClaim(FRAME_PAYLOAD_OFFSET + length, claim) > 0)
                    {
                        final MutableDirectBuffer out = claim.buffer();
                        final int offset = claim.offset();
                        out.putBytes(offset, prefix, 0, prefixLength);
                        out.putInt(offset + prefixLength, length, ByteOrder.LITTLE_ENDIAN);
                        out.putBytes(offset + FRAME_PAYLOAD_OFFSET, buffer, 0, length);
                        claim.commit();
                        return true;
                    }

                    return false;
                };
            }

            default:
                throw new IllegalArgumentException("unknown --encode: " + encode);
        }
    }

    /**
     * Entry point.
     *
     * @param args {@code --dir <aeron dir> [--term-length n] [--stream id] [--idle alias] [--sizes 32,1024]
     *             [--warmup-ms n] [--duration-ms n]}.
     */
    public static void main(final String[] args)
    {
        final Args parsed = Args.parse(args);
        final int[] sizes = parsed.intList("sizes", "32,1024");
        int maxSize = 0;
        for (final int size : sizes)
        {
            maxSize = Math.max(maxSize, size);
        }

        ParentWatch.start();
        try (Aeron aeron = AeronBench.connect(parsed);
            Publication publication = aeron.addPublication(
                AeronBench.channel(parsed), parsed.intValue("stream", AeronBench.THROUGHPUT_STREAM_ID)))
        {
            AeronBench.awaitConnected(publication);
            final ThroughputPublisher publisher = new ThroughputPublisher(
                sink(parsed.string("encode", "offer"), publication),
                AeronBench.idleStrategy(parsed),
                maxSize);

            final long sent = publisher.run(
                sizes,
                TimeUnit.MILLISECONDS.toNanos(parsed.longValue("warmup-ms", 1000)),
                TimeUnit.MILLISECONDS.toNanos(parsed.longValue("duration-ms", 2000)));
            System.out.println(BenchLine.format("bench", "publisher", "sent", sent, "refused", publisher.refused()));

            final long deadlineNs = System.nanoTime() + DRAIN_TIMEOUT_NS;
            while (publication.isConnected() && System.nanoTime() - deadlineNs < 0)
            {
                Thread.yield();
            }
        }
    }
}
