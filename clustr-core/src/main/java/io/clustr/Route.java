package io.clustr;

import io.aeron.Publication;
import io.aeron.ReservedValueSupplier;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

/**
 * Where a node's data frames to one channel go: the publication and the reserved value that names the sender in
 * every frame's Aeron header ({@link FrameFormat}). A message is Aeron's 32-byte header and the payload, nothing
 * else: publishing one up to the MTU is a claim, one copy of the payload, one store of the reserved value and the
 * commit; a larger one is one fragmenting offer, each fragment given the same reserved value.
 */
final class Route implements ReservedValueSupplier
{
    private static final int SMALL_PAYLOAD_LENGTH = 64;

    final Publication publication;
    final Channel channel;
    final int maxClaimPayload;
    final int maxPayload;

    /**
     * Set once before the node's first publish (a worker learns its group's id when it joins), read by publishing
     * threads, which the join's completion orders after the write. The change also changes the routes' version, so
     * a writer that keeps the value for its fast path ({@link FrameWriter#fastOffer}) takes the new one.
     */
    volatile long reservedValue;

    private final ReservedValueSupplier ackedSupplier =
        (termBuffer, termOffset, frameLength) -> FrameFormat.withType(reservedValue, FrameFormat.ACKED);
    private final ReservedValueSupplier serviceSupplier =
        (termBuffer, termOffset, frameLength) -> FrameFormat.withType(reservedValue, FrameFormat.SERVICE);

    Route(final Publication publication, final Channel channel, final long reservedValue)
    {
        this.publication = publication;
        this.channel = channel;
        this.reservedValue = reservedValue;
        this.maxClaimPayload = publication.maxPayloadLength();
        this.maxPayload = publication.maxMessageLength();
    }

    /**
     * Offer a message: claimed and copied when it fits one frame, fragmented by the publication otherwise.
     *
     * @param claim   the calling thread's claim.
     * @param payload buffer holding the payload.
     * @param offset  of the payload, checked by the caller.
     * @param length  of the payload, at most {@link #maxPayload}.
     * @return the publication's result.
     */
    long offer(final BufferClaim claim, final DirectBuffer payload, final int offset, final int length)
    {
        if (length > maxClaimPayload)
        {
            return publication.offer(payload, offset, length, this);
        }

        return claimAndCopy(claim, payload, offset, length);
    }

    /**
     * Publish a message of one frame: claim it, copy the payload in, set the reserved value, commit.
     *
     * @param claim   the calling thread's claim.
     * @param payload buffer holding the payload.
     * @param offset  of the payload, checked by the caller.
     * @param length  of the payload, at most {@link #maxClaimPayload}.
     * @return the publication's result.
     */
    long claimAndCopy(final BufferClaim claim, final DirectBuffer payload, final int offset, final int length)
    {
        final long result = publication.tryClaim(length, claim);
        if (result > 0)
        {
            final MutableDirectBuffer buffer = claim.buffer();
            copy(payload, offset, buffer, claim.offset(), length);
            claim.reservedValue(reservedValue);
            claim.commit();
        }

        return result;
    }

    /**
     * Offer a frame of a type other than {@link FrameFormat#MESSAGE}.
     *
     * @param claim   the thread's claim.
     * @param type    {@link FrameFormat#ACKED}, {@link FrameFormat#ACK} or {@link FrameFormat#SERVICE}.
     * @param payload the frame's whole payload.
     * @param offset  of the payload.
     * @param length  of the payload.
     * @return the offer's result.
     */
    long offer(
        final BufferClaim claim, final int type, final DirectBuffer payload, final int offset, final int length)
    {
        if (length > maxClaimPayload)
        {
            return publication.offer(payload, offset, length, supplier(type));
        }

        final long result = publication.tryClaim(length, claim);
        if (result > 0)
        {
            copy(payload, offset, claim.buffer(), claim.offset(), length);
            claim.reservedValue(FrameFormat.withType(reservedValue, type));
            claim.commit();
        }

        return result;
    }

    private ReservedValueSupplier supplier(final int type)
    {
        switch (type)
        {
            case FrameFormat.ACKED:
                return ackedSupplier;

            case FrameFormat.SERVICE:
                return serviceSupplier;

            default:
                throw new IllegalArgumentException("a frame of type " + type + " is never fragmented");
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public long get(final DirectBuffer termBuffer, final int termOffset, final int frameLength)
    {
        return reservedValue;
    }

    /**
     * Copy a payload into a claimed frame without bounds checks (as Aeron writes its own frames): the claim is
     * exactly {@code length} bytes and the caller has checked {@code offset} and {@code length} against the payload
     * buffer. Small payloads are copied as words, which costs less than {@code Unsafe.copyMemory}'s own checks.
     */
    static void copy(
        final DirectBuffer payload,
        final int offset,
        final MutableDirectBuffer buffer,
        final int frameOffset,
        final int length)
    {
        final byte[] srcArray = payload.byteArray();
        final long srcAddress = payload.addressOffset() + offset;
        final byte[] dstArray = buffer.byteArray();
        final long dstAddress = buffer.addressOffset() + frameOffset;
        if (length <= SMALL_PAYLOAD_LENGTH)
        {
            int i = 0;
            for (; i <= length - Long.BYTES; i += Long.BYTES)
            {
                UnsafeApi.putLong(dstArray, dstAddress + i, UnsafeApi.getLong(srcArray, srcAddress + i));
            }
            for (; i < length; i++)
            {
                UnsafeApi.putByte(dstArray, dstAddress + i, UnsafeApi.getByte(srcArray, srcAddress + i));
            }
        }
        else
        {
            UnsafeApi.copyMemory(srcArray, srcAddress, dstArray, dstAddress, length);
        }
    }
}
