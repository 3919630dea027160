package io.clustr;

import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.clustr.codecs.ConfirmationEncoder;
import io.clustr.codecs.DataEncoder;
import io.clustr.codecs.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Encodes data and confirmation frames straight into a publication's log. One per publishing thread (publications
 * are thread-safe, encoders and claims are not), so publishing from any thread needs no lock and does not allocate.
 */
final class FrameWriter
{
    static final ThreadLocal<FrameWriter> WRITERS = ThreadLocal.withInitial(FrameWriter::new);

    private static final byte[] EMPTY = new byte[0];
    private static final int DATA_FIXED_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + DataEncoder.BLOCK_LENGTH +
        DataEncoder.senderGroupHeaderLength() + DataEncoder.targetGroupHeaderLength() +
        DataEncoder.payloadHeaderLength();
    private static final int CONFIRMATION_FIXED_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH +
        ConfirmationEncoder.BLOCK_LENGTH + ConfirmationEncoder.senderGroupHeaderLength() +
        ConfirmationEncoder.confirmationIdHeaderLength();

    private final BufferClaim bufferClaim = new BufferClaim();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final DataEncoder dataEncoder = new DataEncoder();
    private final ConfirmationEncoder confirmationEncoder = new ConfirmationEncoder();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(256);
    private final UnsafeBuffer arrayWrapper = new UnsafeBuffer(EMPTY);
    private final IdleStrategy retryIdleStrategy = new BackoffIdleStrategy(1, 10, 1_000, 1_000_000);

    static int dataFrameLength(final int senderGroupLength, final int targetGroupLength, final int payloadLength)
    {
        return DATA_FIXED_LENGTH + senderGroupLength + targetGroupLength + payloadLength;
    }

    static int confirmationFrameLength(final int senderGroupLength, final int idLength)
    {
        return CONFIRMATION_FIXED_LENGTH + senderGroupLength + idLength;
    }

    /**
     * Wrap a byte array as a buffer without copying it; valid until the next call on this writer.
     */
    DirectBuffer wrap(final byte[] bytes)
    {
        arrayWrapper.wrap(bytes);
        return arrayWrapper;
    }

    void resetIdle()
    {
        retryIdleStrategy.reset();
    }

    void idle()
    {
        retryIdleStrategy.idle();
    }

    long offerData(
        final Publication publication,
        final long senderId,
        final byte[] senderGroup,
        final byte[] targetGroup,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        final byte[] target = null == targetGroup ? EMPTY : targetGroup;
        final int frameLength = dataFrameLength(senderGroup.length, target.length, length);

        if (frameLength <= publication.maxPayloadLength())
        {
            final long result = publication.tryClaim(frameLength, bufferClaim);
            if (result > 0)
            {
                dataEncoder.wrapAndApplyHeader(bufferClaim.buffer(), bufferClaim.offset(), headerEncoder)
                    .senderId(senderId)
                    .putSenderGroup(senderGroup, 0, senderGroup.length)
                    .putTargetGroup(target, 0, target.length)
                    .putPayload(payload, offset, length);
                bufferClaim.commit();
            }

            return result;
        }

        // Larger than one MTU: encode everything up to the payload in the scratch buffer and let the publication
        // fragment header and payload together, still without copying the payload first.
        dataEncoder.wrapAndApplyHeader(scratch, 0, headerEncoder)
            .senderId(senderId)
            .putSenderGroup(senderGroup, 0, senderGroup.length)
            .putTargetGroup(target, 0, target.length);
        final int limit = dataEncoder.limit();
        scratch.putInt(limit, length, ByteOrder.LITTLE_ENDIAN);

        return publication.offer(scratch, 0, limit + DataEncoder.payloadHeaderLength(), payload, offset, length);
    }

    long offerConfirmation(
        final Publication publication,
        final long senderId,
        final byte[] senderGroup,
        final DirectBuffer confirmationId,
        final int offset,
        final int length)
    {
        final int frameLength = confirmationFrameLength(senderGroup.length, length);
        confirmationEncoder.wrapAndApplyHeader(scratch, 0, headerEncoder)
            .senderId(senderId)
            .putSenderGroup(senderGroup, 0, senderGroup.length)
            .putConfirmationId(confirmationId, offset, length);

        return publication.offer(scratch, 0, frameLength);
    }
}
