package io.clustr;

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
import org.agrona.UnsafeApi;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Hands the messages of one subscription (public, group or private) to that stream's handlers. The payload is the
 * frame after Aeron's header, and the sender is in the header's reserved value ({@link FrameFormat}); a frame whose
 * reserved value is not clustr's is counted as malformed and skipped.
 */
final class DataAdapter implements FragmentHandler, AutoCloseable
{
    private static final Object NOT_POLLED = new Object();

    private final Subscription subscription;
    private final FragmentAssembler assembler = new FragmentAssembler(this);
    private final Message message;
    private final HandlerList handlerList;
    private final HandlerList serviceHandlers;
    private final Acknowledgements acks;
    private final ErrorHandler errorHandler;
    private final AtomicCounter malformedFrames;
    private final AtomicCounter unhandledMessages;
    private final int fragmentLimit;
    private final boolean isUntethered;
    private final FragmentHandler logHandler = this::onLogFragment;
    private long delivered;
    private Object pollImage = NOT_POLLED;
    private Object lappedImage;
    private int skipSessionId;
    private long skipUntilPosition = Long.MIN_VALUE;
    private long deliveredBytes;
    private int pollTermId;
    private boolean isLapped;

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
        this.isUntethered = kind != Channel.Kind.PRIVATE;
    }

    /**
     * Every data subscription is polled with the same handler class ({@link #onLogFragment}), so the call site in
     * Aeron's term reader sees that class and the control stream's assembler only, and stays inlinable.
     */
    int poll()
    {
        beginPoll();
        return subscription.poll(logHandler, fragmentLimit);
    }

    void beginPoll()
    {
        pollImage = NOT_POLLED;
        lappedImage = null;
        isLapped = false;
    }

    /**
     * On an untethered stream, a handler that stalls long enough gets its node cut loose, and the publishers may
     * then overwrite the part of the log this poll reads before the client has closed the image. One poll of an
     * image reads one term, the term of the image's position when the poll began: a frame with another term id is
     * from a later lap, and it and the rest of that image's poll are skipped (the node is told what it missed when
     * it resumes, see {@link MissedListener}). Comparing with the image's position, not with the poll's first frame,
     * also catches a poll whose every frame is from a later lap. (On the tethered private stream no frame is ever
     * from a later lap, so the same check always passes.)
     * <p>
     * The common frame (the image already seen in this poll, its term, a whole message, nothing to skip) takes two
     * compares and goes to the handlers; everything else is decided out of line in {@link #onOtherLogFragment}, which
     * keeps this method small enough for the JIT to inline it into Aeron's term reader.
     */
    void onLogFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        // The fields Header's accessors would read, read where they read them (the header's buffer at its offset),
        // without their interface calls and bounds checks: Aeron hands over only whole frames inside the term.
        final DirectBuffer frame = header.buffer();
        final byte[] array = frame.byteArray();
        final long frameAddress = frame.addressOffset() + header.offset();
        if (header.context() == pollImage &&
            UnsafeApi.getInt(array, frameAddress + DataHeaderFlyweight.TERM_ID_FIELD_OFFSET) == pollTermId &&
            (UnsafeApi.getByte(array, frameAddress + DataHeaderFlyweight.FLAGS_FIELD_OFFSET) &
            FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED)
        {
            final long reservedValue =
                UnsafeApi.getLong(array, frameAddress + DataHeaderFlyweight.RESERVED_VALUE_OFFSET);
            if (FrameFormat.isMessage(reservedValue))
            {
                deliver(handlerList, reservedValue, buffer, offset, length);
                return;
            }
        }

        onOtherLogFragment(buffer, offset, length, header);
    }

    /**
     * A frame {@link #onLogFragment} does not hand straight on: the first of an image in this poll, one of a later
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
            pollImage = image;
            pollTermId = image instanceof Image ? termIdAtPosition((Image)image) : header.termId();
            isLapped = false;
        }

        if (header.termId() != pollTermId)
        {
            // A later lap: skip the rest of this image's poll (the fast path's image compare fails from now on).
            isLapped = true;
            lappedImage = image;
            pollImage = NOT_POLLED;
            return;
        }

        if (isUntethered && Long.MIN_VALUE != skipUntilPosition && isDeliveredBefore(header))
        {
            pollImage = NOT_POLLED; // keep deciding here while the log is being skipped
            return;
        }

        // A whole message in one frame, the common case, skips the assembler (which would hand it straight on).
        if ((header.flags() & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED)
        {
            onFragment(buffer, offset, length, header);
        }
        else
        {
            assembler.onFragment(buffer, offset, length, header);
        }
    }

    /**
     * After being cut loose, this adapter's subscription may join the log behind the position the node had already
     * consumed (an IPC subscription joins at the slowest subscriber's position): frames of that log up to it were
     * delivered by the old subscription, and are skipped.
     *
     * @param sessionId of the log the old subscription read.
     * @param position  it had consumed.
     */
    void skipDeliveredUntil(final int sessionId, final long position)
    {
        skipSessionId = sessionId;
        skipUntilPosition = position;
    }

    private boolean isDeliveredBefore(final Header header)
    {
        if (header.sessionId() == skipSessionId && header.position() <= skipUntilPosition)
        {
            return true;
        }

        skipUntilPosition = Long.MIN_VALUE;
        return false;
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

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
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
