package io.clustr;

import io.aeron.Publication;
import io.clustr.codecs.DataEncoder;
import io.clustr.codecs.MessageHeaderEncoder;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Where a node's data frames to one channel go: the publication, and the part of every frame that does not change
 * (SBE header, sender id, sender group, target group), encoded once by the generated encoder. Publishing a message
 * is then one claim, one copy of this prefix, the payload length and the payload.
 */
final class Route
{
    private static final byte[] NO_GROUP = new byte[0];

    final Publication publication;
    final UnsafeBuffer prefix;
    final int prefixLength;
    final long[] prefixWords;
    final byte[] prefixTail;
    final int maxClaimPayload;
    final int maxPayload;

    Route(final Publication publication, final long senderId, final byte[] senderGroup, final byte[] targetGroup)
    {
        final byte[] target = null == targetGroup ? NO_GROUP : targetGroup;
        this.publication = publication;
        this.prefix = new UnsafeBuffer(new byte[MessageHeaderEncoder.ENCODED_LENGTH + DataEncoder.BLOCK_LENGTH +
            DataEncoder.senderGroupHeaderLength() + senderGroup.length +
            DataEncoder.targetGroupHeaderLength() + target.length]);

        final DataEncoder encoder = new DataEncoder()
            .wrapAndApplyHeader(prefix, 0, new MessageHeaderEncoder())
            .senderId(senderId)
            .putSenderGroup(senderGroup, 0, senderGroup.length)
            .putTargetGroup(target, 0, target.length);
        this.prefixLength = encoder.limit();

        // Written into each frame as whole words then the few bytes left: a 20-30 byte copy costs less as two or
        // three stores than as an Unsafe.copyMemory call.
        this.prefixWords = new long[prefixLength / Long.BYTES];
        for (int i = 0; i < prefixWords.length; i++)
        {
            prefixWords[i] = prefix.getLong(i * Long.BYTES);
        }
        this.prefixTail = new byte[prefixLength - prefixWords.length * Long.BYTES];
        prefix.getBytes(prefixWords.length * Long.BYTES, prefixTail);

        final int frameOverhead = prefixLength + DataEncoder.payloadHeaderLength();
        this.maxClaimPayload = publication.maxPayloadLength() - frameOverhead;
        this.maxPayload = publication.maxMessageLength() - frameOverhead;
    }

    /**
     * Write the prefix at the start of a claimed frame.
     */
    void writePrefix(final MutableDirectBuffer buffer, final int frameOffset)
    {
        final long[] words = prefixWords;
        int offset = frameOffset;
        for (final long word : words)
        {
            buffer.putLong(offset, word);
            offset += Long.BYTES;
        }
        for (final byte b : prefixTail)
        {
            buffer.putByte(offset++, b);
        }
    }
}
