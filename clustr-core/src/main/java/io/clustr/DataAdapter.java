package io.clustr;

import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.aeron.logbuffer.LogBufferDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
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
        isLapped = false;
    }

    /**
     * On an untethered stream, a handler that stalls long enough gets its node cut loose, and the publishers may
     * then overwrite the part of the log this poll reads before the client has closed the image. One poll of an
     * image reads one term, the term of the image's position when the poll began: a frame with another term id is
     * from a later lap, and it and the rest of that image's poll are skipped (the node is told what it missed when
     * it resumes, see {@link MissedListener}). Comparing with the image's position, not with the poll's first frame,
     * also catches a poll whose every frame is from a later lap.
     */
    void onLogFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (isUntethered)
        {
            final Object image = header.context();
            if (image != pollImage)
            {
                pollImage = image;
                pollTermId = image instanceof Image ? termIdAtPosition((Image)image) : header.termId();
                isLapped = false;
            }

            if (isLapped)
            {
                return;
            }

            if (header.termId() != pollTermId)
            {
                isLapped = true;
                return;
            }

            if (Long.MIN_VALUE != skipUntilPosition && isDeliveredBefore(header))
            {
                return;
            }
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
     * @return messages delivered to handlers since the last call.
     */
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
