package io.clustr;

import io.aeron.Publication;
import io.clustr.codecs.DataEncoder;
import io.clustr.codecs.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Where a node's data frames to one channel go: the publication, and the part of every frame that does not change
 * (SBE header, sender id, sender group, target group), encoded once by the generated encoder.
 * <p>
 * The fixed block is padded (SBE lets a frame's header declare a longer block than the schema's; decoders skip to
 * the declared length) so that this prefix plus the 4 byte payload length fills whole 8 byte words, the length in
 * the upper half of the last one. Publishing a message up to the MTU is then one claim, a few word stores and one
 * copy of the payload.
 */
final class Route
{
    private static final byte[] NO_GROUP = new byte[0];
    private static final int PAYLOAD_HEADER_LENGTH = DataEncoder.payloadHeaderLength();
    private static final int SMALL_PAYLOAD_LENGTH = 64;
    private static final boolean IS_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    final Publication publication;
    final int headerLength;
    final int maxClaimPayload;
    final int maxPayload;

    /**
     * Until when "nobody subscribes" is believed without reading the counters again (public and group routes).
     */
    volatile long noSubscriberUntilNs = System.nanoTime();
    private final long[] headerWords;
    private final int lastWord;

    Route(final Publication publication, final long senderId, final byte[] senderGroup, final byte[] targetGroup)
    {
        this(publication, senderId, senderGroup, targetGroup, publication.maxPayloadLength(),
            publication.maxMessageLength());
    }

    Route(
        final Publication publication,
        final long senderId,
        final byte[] senderGroup,
        final byte[] targetGroup,
        final int maxPayloadLength,
        final int maxMessageLength)
    {
        final byte[] target = null == targetGroup ? NO_GROUP : targetGroup;
        this.publication = publication;

        final int unpadded = MessageHeaderEncoder.ENCODED_LENGTH + DataEncoder.BLOCK_LENGTH +
            DataEncoder.senderGroupHeaderLength() + senderGroup.length +
            DataEncoder.targetGroupHeaderLength() + target.length;
        final int padding = (Long.BYTES - ((unpadded + PAYLOAD_HEADER_LENGTH) % Long.BYTES)) % Long.BYTES;
        final int prefixLength = unpadded + padding;
        this.headerLength = prefixLength + PAYLOAD_HEADER_LENGTH;

        final UnsafeBuffer header = new UnsafeBuffer(new byte[headerLength]);
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final DataEncoder encoder = new DataEncoder().wrapAndApplyHeader(header, 0, headerEncoder);
        headerEncoder.blockLength(DataEncoder.BLOCK_LENGTH + padding);
        encoder.senderId(senderId);
        encoder.limit(MessageHeaderEncoder.ENCODED_LENGTH + DataEncoder.BLOCK_LENGTH + padding);
        encoder
            .putSenderGroup(senderGroup, 0, senderGroup.length)
            .putTargetGroup(target, 0, target.length);
        if (encoder.limit() != prefixLength)
        {
            throw new IllegalStateException("prefix length " + encoder.limit() + " != " + prefixLength);
        }

        this.headerWords = new long[headerLength / Long.BYTES];
        for (int i = 0; i < headerWords.length; i++)
        {
            headerWords[i] = header.getLong(i * Long.BYTES, ByteOrder.LITTLE_ENDIAN);
        }
        this.lastWord = headerWords.length - 1;

        this.maxClaimPayload = maxPayloadLength - headerLength;
        this.maxPayload = maxMessageLength - headerLength;
    }

    /**
     * Write the prefix, the payload length and the payload into a frame the caller has claimed, without bounds checks
     * (as Aeron writes its own frame headers): the claim is exactly {@code headerLength + length} bytes, and the
     * caller has checked {@code offset} and {@code length} against the payload buffer. Small payloads are copied as
     * words, which costs less than {@code Unsafe.copyMemory}'s own argument checks.
     *
     * @param buffer      holding the claimed frame.
     * @param frameOffset where the claimed frame starts.
     * @param payload     buffer holding the payload.
     * @param offset      of the payload in its buffer.
     * @param length      of the payload.
     */
    void writeFrame(
        final MutableDirectBuffer buffer,
        final int frameOffset,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        if (!IS_LITTLE_ENDIAN)
        {
            writeHeader(buffer, frameOffset, length);
            buffer.putBytes(frameOffset + headerLength, payload, offset, length);
            return;
        }

        final byte[] dstArray = buffer.byteArray();
        final long dstAddress = buffer.addressOffset() + frameOffset;
        final long[] words = headerWords;
        final int last = lastWord;
        for (int i = 0; i < last; i++)
        {
            UnsafeApi.putLong(dstArray, dstAddress + ((long)i << 3), words[i]);
        }
        UnsafeApi.putLong(dstArray, dstAddress + ((long)last << 3), words[last] | ((long)length << 32));

        final byte[] srcArray = payload.byteArray();
        final long srcAddress = payload.addressOffset() + offset;
        final long dstPayloadAddress = dstAddress + headerLength;
        if (length <= SMALL_PAYLOAD_LENGTH)
        {
            int i = 0;
            for (; i <= length - Long.BYTES; i += Long.BYTES)
            {
                UnsafeApi.putLong(dstArray, dstPayloadAddress + i, UnsafeApi.getLong(srcArray, srcAddress + i));
            }
            for (; i < length; i++)
            {
                UnsafeApi.putByte(dstArray, dstPayloadAddress + i, UnsafeApi.getByte(srcArray, srcAddress + i));
            }
        }
        else
        {
            UnsafeApi.copyMemory(srcArray, srcAddress, dstArray, dstPayloadAddress, length);
        }
    }

    /**
     * Write the prefix and the payload length at the start of a frame, with the buffer's bounds checks.
     *
     * @param buffer        holding the frame.
     * @param frameOffset   where the frame starts.
     * @param payloadLength length of the payload that follows.
     */
    void writeHeader(final MutableDirectBuffer buffer, final int frameOffset, final int payloadLength)
    {
        final long[] words = headerWords;
        final int last = lastWord;
        for (int i = 0; i < last; i++)
        {
            buffer.putLong(frameOffset + (i << 3), words[i], ByteOrder.LITTLE_ENDIAN);
        }
        buffer.putLong(
            frameOffset + (last << 3), words[last] | ((long)payloadLength << 32), ByteOrder.LITTLE_ENDIAN);
    }
}
