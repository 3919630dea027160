package io.clustr;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.aeron.logbuffer.LogBufferDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.BitUtil;
import org.agrona.UnsafeApi;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.function.LongConsumer;

/**
 * Hands the messages of one subscription (public, group or private) to that stream's handlers. The payload is the
 * frame after Aeron's header, and the sender is in the header's reserved value ({@link FrameFormat}); a frame whose
 * reserved value is not clustr's is counted as malformed and skipped.
 */
final class DataAdapter implements FragmentHandler, AutoCloseable
{
    private static final Object NOT_POLLED = new Object();
    private static final int NO_FRAME = -1;

    private final Subscription subscription;
    private final FragmentAssembler assembler = new FragmentAssembler(this::onWholeMessage);
    private final Message message;
    private final HandlerList handlerList;
    private final HandlerList serviceHandlers;
    private final Acknowledgements acks;
    private final ErrorHandler errorHandler;
    private final AtomicCounter malformedFrames;
    private final AtomicCounter unhandledMessages;
    private final int fragmentLimit;
    private final boolean tracksConsumed;
    private final Long2LongHashMap consumedPositions = new Long2LongHashMap(Aeron.NULL_VALUE);
    private final Long2LongHashMap skipUntilPositions = new Long2LongHashMap(Aeron.NULL_VALUE);
    private long delivered;
    private Object pollImage = NOT_POLLED;
    private Object lappedImage;
    private Image pollImageRef;
    private long deliveredBytes;
    private long pollTermBase;
    private int pollTermId;
    private int pollSessionId;
    private int pollFrameEnd = NO_FRAME;
    private int lastSessionId;
    private long lastConsumedPosition = Aeron.NULL_VALUE;
    private boolean isLapped;
    private boolean isSkipping;
    private LongConsumer onMissed;

    DataAdapter(
        final Subscription subscription,
        final Channel.Kind kind,
        final GroupRegistry groups,
        final HandlerList handlerList,
        final HandlerList serviceHandlers,
        final Acknowledgements acks,
        final ErrorHandler errorHandler,
        final AtomicCounter malformedFrames,
        final AtomicCounter unhandledMessages,
        final int fragmentLimit)
    {
        this.subscription = subscription;
        this.message = new Message(kind, groups);
        this.handlerList = handlerList;
        this.serviceHandlers = serviceHandlers;
        this.acks = acks;
        this.errorHandler = errorHandler;
        this.malformedFrames = malformedFrames;
        this.unhandledMessages = unhandledMessages;
        this.fragmentLimit = fragmentLimit;
        this.tracksConsumed = kind != Channel.Kind.PRIVATE;
    }

    /**
     * The adapter is the poll's fragment handler itself ({@link #onFragment}), not a lambda bound to it: the call
     * site in Aeron's term reader sees two classes only, this one and the {@link FragmentAssembler} of the control
     * and (on a master) confirmation streams, and stays inlinable, and the adapter's fields are one load nearer than
     * through a bound lambda.
     */
    int poll()
    {
        beginPoll();
        if (isSkipping)
        {
            onJoined();
        }
        final int fragments = subscription.poll(this, fragmentLimit);
        endImagePoll();
        return fragments;
    }

    void beginPoll()
    {
        endImagePoll();
        pollImage = NOT_POLLED;
        lappedImage = null;
        isLapped = false;
    }

    /**
     * The position up to which this adapter has consumed a log: delivered its frames, or skipped them as delivered
     * before ({@link #resumeAfter}). Exact after a poll, on the polling thread, also for an image the client has
     * closed meanwhile (whose {@link Image#position()} is then the position when it was closed, which may be behind
     * what the poll in progress went on to deliver).
     *
     * @param sessionId of the log.
     * @return the position, or {@link Aeron#NULL_VALUE} if this adapter has consumed nothing of that log (or is the
     * private stream's, which is never cut loose and records nothing).
     */
    long consumedPosition(final int sessionId)
    {
        endImagePoll();
        flushConsumed();
        return consumedPositions.get(sessionId);
    }

    /**
     * @return the consumed position of every log this adapter has consumed from, by session id (a live view).
     */
    Long2LongHashMap consumedPositions()
    {
        endImagePoll();
        flushConsumed();
        return consumedPositions;
    }

    /**
     * On an untethered stream, a handler that stalls long enough gets its node cut loose, and the publishers may
     * then overwrite the part of the log this poll reads. The client closes the image when the driver cuts it
     * loose, and the publishers go on only the linger timeout later
     * ({@link Configuration#UNTETHERED_LINGER_TIMEOUT_PROP_NAME}), so no frame of a closed image is delivered: the
     * rest of its poll is skipped, and the new subscription delivers it if it joins behind it (else the node is told
     * what it missed, see {@link #resumeAfter}). One poll of an image reads one term, the term of the image's
     * position when the poll began: a frame with another term id is from a later lap, and it and the rest of that
     * image's poll are skipped too. Comparing with the image's position, not with the poll's first frame, also
     * catches a poll whose every frame is from a later lap. (On the tethered private stream no frame is ever from a
     * later lap, and an image goes unavailable only once its log is drained, so the same checks always pass.)
     * <p>
     * The common frame (the image already seen in this poll and still open, its term, a whole message, nothing to
     * skip) takes three compares and goes to the handlers; everything else is decided out of line in
     * {@link #onOtherLogFragment}, which keeps this method small enough for the JIT to inline it into Aeron's term
     * reader.
     */
    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        // The fields Header's accessors would read, read where they read them (the header's buffer at its offset),
        // without their interface calls and bounds checks: Aeron hands over only whole frames inside the term.
        final DirectBuffer frame = header.buffer();
        final byte[] array = frame.byteArray();
        final int frameOffset = header.offset();
        final long frameAddress = frame.addressOffset() + frameOffset;
        final Image image = pollImageRef;
        if (header.context() == pollImage &&
            (null == image || !image.isClosed()) &&
            UnsafeApi.getInt(array, frameAddress + DataHeaderFlyweight.TERM_ID_FIELD_OFFSET) == pollTermId &&
            (UnsafeApi.getByte(array, frameAddress + DataHeaderFlyweight.FLAGS_FIELD_OFFSET) &
            FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED)
        {
            final long reservedValue =
                UnsafeApi.getLong(array, frameAddress + DataHeaderFlyweight.RESERVED_VALUE_OFFSET);
            if (FrameFormat.isMessage(reservedValue))
            {
                pollFrameEnd = frameOffset + length;
                deliver(handlerList, reservedValue, buffer, offset, length);
                return;
            }
        }

        onOtherLogFragment(buffer, offset, length, header);
    }

    /**
     * A frame {@link #onFragment} does not hand straight on: the first of an image in this poll, one of a later
     * lap, one of a log being skipped, a fragment, or a frame other than a message.
     */
    private void onOtherLogFragment(
        final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final Object image = header.context();
        if (image != pollImage)
        {
            if (isLapped && image == lappedImage)
            {
                return;
            }
            endImagePoll();
            pollImage = image;
            pollImageRef = image instanceof Image ? (Image)image : null;
            pollTermId = null != pollImageRef ? termIdAtPosition(pollImageRef) : header.termId();
            pollTermBase = LogBufferDescriptor.computePosition(
                pollTermId, 0, header.positionBitsToShift(), header.initialTermId());
            pollSessionId = header.sessionId();
            isLapped = false;
        }

        if (header.termId() != pollTermId || (null != pollImageRef && pollImageRef.isClosed()))
        {
            // A later lap, or the image was closed during this poll (a handler stalled in it long enough for the
            // node to be cut loose, after which the publishers may overwrite the frames it has not read): skip the
            // rest of this image's poll (the fast path's image compare fails from now on). The log is consumed up
            // to the last frame delivered, so a new subscription that joins behind that delivers the rest.
            endImagePoll();
            isLapped = true;
            lappedImage = image;
            pollImage = NOT_POLLED;
            return;
        }

        if (isSkipping && isConsumedBefore(header))
        {
            pollImage = NOT_POLLED; // keep deciding here while the log is being skipped
            return;
        }

        pollFrameEnd = header.offset() + length;
        // A whole message in one frame, the common case, skips the assembler (which would hand it straight on).
        if ((header.flags() & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED)
        {
            onWholeMessage(buffer, offset, length, header);
        }
        else
        {
            assembler.onFragment(buffer, offset, length, header);
        }
    }

    /**
     * After being cut loose, this adapter's subscription replaces one that consumed the stream's logs up to
     * {@code consumedBefore}. It may join a log behind that: an IPC subscription joins at the slowest subscriber's
     * position, which on a log the node was not cut loose from is at most the old subscription's own (and the old one
     * went on delivering while the driver added the new one); frames of each log up to its consumed position were
     * delivered by the old subscription, and are skipped. Or it may join ahead, on a log it was cut loose from: the
     * bytes in between are what the node missed, and {@code onMissed} is told before the first message after them
     * is delivered (at {@link #onJoined} for the logs the subscription has joined when it is swapped in, else on the
     * log's first frame).
     *
     * @param consumedBefore the old adapter's {@link #consumedPositions()}, by session id.
     * @param onMissed       told the bytes missed, each time a log resumes ahead of where it was consumed.
     */
    void resumeAfter(final Long2LongHashMap consumedBefore, final LongConsumer onMissed)
    {
        flushConsumed();
        this.onMissed = onMissed;
        final Long2LongHashMap.EntryIterator entries = consumedBefore.entrySet().iterator();
        while (entries.hasNext())
        {
            entries.next();
            final long sessionId = entries.getLongKey();
            final long position = entries.getLongValue();
            skipUntilPositions.put(sessionId, position);
            if (consumedPositions.get(sessionId) < position)
            {
                consumedPositions.put(sessionId, position);
            }
        }
        isSkipping = !skipUntilPositions.isEmpty();
    }

    /**
     * Tell at once what was missed on the logs the subscription has joined ahead of where they were consumed
     * ({@link #resumeAfter}), before anything of them is polled: when it is swapped in, and at the start of each
     * poll while it still skips, for the images the client delivers later (on its conductor thread). The data path
     * would tell it too, at the log's first frame, but a stream that has gone quiet sends none.
     */
    void onJoined()
    {
        long missed = 0;
        final Subscription subscription = this.subscription;
        for (int i = 0, count = subscription.imageCount(); i < count; i++)
        {
            final Image image;
            try
            {
                image = subscription.imageAtIndex(i);
            }
            catch (final IndexOutOfBoundsException ex)
            {
                break; // the client removed an image meanwhile: the next poll looks again
            }
            final long sessionId = image.sessionId();
            final long consumed = skipUntilPositions.get(sessionId);
            final long joinPosition = image.joinPosition();
            if (Aeron.NULL_VALUE != consumed && joinPosition >= consumed)
            {
                // Joined at or ahead of what was consumed: nothing of this log to skip, and the gap (if any) missed.
                missed += joinPosition - consumed;
                skipUntilPositions.remove(sessionId);
            }
        }
        isSkipping = !skipUntilPositions.isEmpty();
        if (missed > 0 && null != onMissed)
        {
            onMissed.accept(missed);
        }
    }

    private boolean isConsumedBefore(final Header header)
    {
        final int sessionId = header.sessionId();
        final long consumed = skipUntilPositions.get(sessionId);
        if (Aeron.NULL_VALUE == consumed)
        {
            return false;
        }
        final long frameEnd = header.position();
        if (frameEnd <= consumed)
        {
            return true;
        }

        // Frames of a log come in order: from here on every frame of this log is new. If this one starts after what
        // was consumed, the log resumed ahead of it.
        skipUntilPositions.remove(sessionId);
        isSkipping = !skipUntilPositions.isEmpty();
        final long frameStart = frameEnd - BitUtil.align(header.frameLength(), FrameDescriptor.FRAME_ALIGNMENT);
        if (frameStart > consumed && null != onMissed)
        {
            onMissed.accept(frameStart - consumed);
        }
        return false;
    }

    /**
     * The image this poll reads has changed, or the poll is over: record how far it consumed the image's log.
     */
    private void endImagePoll()
    {
        final int frameEnd = pollFrameEnd;
        if (NO_FRAME != frameEnd)
        {
            pollFrameEnd = NO_FRAME;
            if (tracksConsumed)
            {
                final int alignedEnd =
                    BitUtil.align(frameEnd + DataHeaderFlyweight.HEADER_LENGTH, FrameDescriptor.FRAME_ALIGNMENT);
                if (pollSessionId != lastSessionId)
                {
                    flushConsumed();
                    lastSessionId = pollSessionId;
                }
                lastConsumedPosition = pollTermBase + alignedEnd;
            }
        }
    }

    /**
     * The position of the log polled last is kept in fields (a stream on one host is one log, so the map is touched
     * only when another log is polled or a position is asked for): put it in the map.
     */
    private void flushConsumed()
    {
        if (Aeron.NULL_VALUE != lastConsumedPosition)
        {
            consumedPositions.put(lastSessionId, lastConsumedPosition);
            lastConsumedPosition = Aeron.NULL_VALUE;
        }
    }

    /**
     * A log of this adapter's subscription ended (its publications closed and it was drained): forget it, so that
     * a stream whose logs come and go keeps no record of the old ones.
     *
     * @param sessionId of the log.
     */
    void onEndOfStream(final int sessionId)
    {
        endImagePoll();
        flushConsumed();
        consumedPositions.remove(sessionId);
        skipUntilPositions.remove(sessionId);
        isSkipping = !skipUntilPositions.isEmpty();
    }

    private static int termIdAtPosition(final Image image)
    {
        return LogBufferDescriptor.computeTermIdFromPosition(
            image.position(), image.positionBitsToShift(), image.initialTermId());
    }

    /**
     * @return messages delivered to handlers since the last call.
     */
    long takeDelivered()
    {
        final long count = delivered;
        delivered = 0;
        return count;
    }

    /**
     * @return bytes of the messages delivered to handlers since the last call.
     */
    long takeDeliveredBytes()
    {
        final long bytes = deliveredBytes;
        deliveredBytes = 0;
        return bytes;
    }

    Subscription subscription()
    {
        return subscription;
    }

    /**
     * A whole message, in one frame or reassembled: handed on by its type.
     */
    void onWholeMessage(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final long reservedValue = header.reservedValue();
        if (FrameFormat.isMessage(reservedValue))
        {
            deliver(handlerList, reservedValue, buffer, offset, length);
        }
        else
        {
            onOtherFrame(reservedValue, buffer, offset, length);
        }
    }

    private void onOtherFrame(final long reservedValue, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (FrameFormat.type(reservedValue))
        {
            case FrameFormat.SERVICE:
                deliver(serviceHandlers, reservedValue, buffer, offset, length);
                break;

            case FrameFormat.ACKED:
                if (null == acks || length < FrameFormat.CORRELATION_ID_LENGTH)
                {
                    malformedFrames.incrementRelease();
                    return;
                }
                deliver(handlerList, reservedValue, buffer, offset + FrameFormat.CORRELATION_ID_LENGTH,
                    length - FrameFormat.CORRELATION_ID_LENGTH);
                acks.acknowledge(FrameFormat.senderId(reservedValue), FrameFormat.correlationId(buffer, offset));
                break;

            case FrameFormat.ACK:
                if (null == acks || length != FrameFormat.CORRELATION_ID_LENGTH)
                {
                    malformedFrames.incrementRelease();
                    return;
                }
                acks.onAck(FrameFormat.senderId(reservedValue), FrameFormat.correlationId(buffer, offset));
                break;

            default:
                malformedFrames.incrementRelease();
        }
    }

    private void deliver(
        final HandlerList handlers,
        final long reservedValue,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final MessageHandler[] list = handlers.handlers();
        if (0 == list.length)
        {
            unhandledMessages.incrementRelease();
            return;
        }

        message.wrap(reservedValue, buffer, offset, length);
        for (final MessageHandler handler : list)
        {
            try
            {
                handler.onMessage(message);
            }
            catch (final AgentTerminationException ex)
            {
                throw ex;
            }
            catch (final Throwable ex)
            {
                errorHandler.onError(ex);
            }
        }
        delivered++;
        deliveredBytes += length;
    }

    @Override
    public void close()
    {
        subscription.close();
    }
}
