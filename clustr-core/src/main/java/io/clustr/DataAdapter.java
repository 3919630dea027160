package io.clustr;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.clustr.codecs.DataDecoder;
import io.clustr.codecs.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Decodes data frames from one subscription (public, group or private) and hands them to that stream's handlers.
 * Frames that do not decode are counted and skipped; on a group stream, frames for another group that hashes to
 * the same stream id are skipped silently.
 */
final class DataAdapter implements FragmentHandler, AutoCloseable
{
    private final Subscription subscription;
    private final FragmentAssembler assembler = new FragmentAssembler(this);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final DataDecoder dataDecoder = new DataDecoder();
    private final Message message = new Message();
    private final Channel.Kind kind;
    private final byte[] groupFilter;
    private final HandlerList handlerList;
    private final ErrorHandler errorHandler;
    private final AtomicCounter malformedFrames;
    private final AtomicCounter unhandledMessages;
    private final int fragmentLimit;
    private long delivered;

    DataAdapter(
        final Subscription subscription,
        final Channel.Kind kind,
        final byte[] groupFilter,
        final HandlerList handlerList,
        final ErrorHandler errorHandler,
        final AtomicCounter malformedFrames,
        final AtomicCounter unhandledMessages,
        final int fragmentLimit)
    {
        this.subscription = subscription;
        this.kind = kind;
        this.groupFilter = groupFilter;
        this.handlerList = handlerList;
        this.errorHandler = errorHandler;
        this.malformedFrames = malformedFrames;
        this.unhandledMessages = unhandledMessages;
        this.fragmentLimit = fragmentLimit;
    }

    int poll()
    {
        return subscription.poll(assembler, fragmentLimit);
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

    Subscription subscription()
    {
        return subscription;
    }

    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final int end = offset + length;
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            malformedFrames.incrementRelease();
            return;
        }

        headerDecoder.wrap(buffer, offset);
        final int blockLength = headerDecoder.blockLength();
        if (headerDecoder.schemaId() != DataDecoder.SCHEMA_ID ||
            headerDecoder.templateId() != DataDecoder.TEMPLATE_ID ||
            blockLength < DataDecoder.BLOCK_LENGTH)
        {
            malformedFrames.incrementRelease();
            return;
        }

        final DataDecoder decoder = dataDecoder;
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        if (bodyOffset + blockLength + DataDecoder.senderGroupHeaderLength() > end)
        {
            malformedFrames.incrementRelease();
            return;
        }
        decoder.wrap(buffer, bodyOffset, blockLength, headerDecoder.version());
        final long senderId = decoder.senderId();

        final int senderGroupOffset = decoder.limit() + DataDecoder.senderGroupHeaderLength();
        final int senderGroupLength = decoder.senderGroupLength();
        if (senderGroupOffset + senderGroupLength + DataDecoder.targetGroupHeaderLength() > end)
        {
            malformedFrames.incrementRelease();
            return;
        }
        decoder.skipSenderGroup();

        final int targetGroupOffset = decoder.limit() + DataDecoder.targetGroupHeaderLength();
        final int targetGroupLength = decoder.targetGroupLength();
        if (targetGroupOffset + targetGroupLength + DataDecoder.payloadHeaderLength() > end)
        {
            malformedFrames.incrementRelease();
            return;
        }
        decoder.skipTargetGroup();

        final int payloadOffset = decoder.limit() + DataDecoder.payloadHeaderLength();
        final int payloadLength = decoder.payloadLength();
        if (payloadLength < 0 || payloadOffset + payloadLength > end)
        {
            malformedFrames.incrementRelease();
            return;
        }

        if (null != groupFilter && !isGroup(buffer, targetGroupOffset, targetGroupLength))
        {
            return;
        }

        final MessageHandler[] handlers = handlerList.handlers();
        if (0 == handlers.length)
        {
            unhandledMessages.incrementRelease();
            return;
        }

        message.wrap(kind, senderId, buffer, senderGroupOffset, senderGroupLength, payloadOffset, payloadLength);
        for (final MessageHandler handler : handlers)
        {
            try
            {
                handler.onMessage(message);
            }
            catch (final Throwable ex)
            {
                errorHandler.onError(ex);
            }
        }
        delivered++;
    }

    private boolean isGroup(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] group = groupFilter;
        if (length != group.length)
        {
            return false;
        }

        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != group[i])
            {
                return false;
            }
        }

        return true;
    }

    public void close()
    {
        subscription.close();
    }
}
