package io.clustr;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.clustr.codecs.DataDecoder;
import io.clustr.codecs.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteOrder;

/**
 * Decodes data frames from one subscription (public, group or private) and hands them to that stream's handlers.
 * Frames that do not decode are counted and skipped; on a group stream, frames for another group that hashes to
 * the same stream id are skipped silently.
 */
final class DataAdapter implements FragmentHandler, AutoCloseable
{
    private static final int SENDER_ID_OFFSET = DataDecoder.senderIdEncodingOffset();
    private static final int SENDER_GROUP_HEADER_LENGTH = DataDecoder.senderGroupHeaderLength();
    private static final int TARGET_GROUP_HEADER_LENGTH = DataDecoder.targetGroupHeaderLength();
    private static final int PAYLOAD_HEADER_LENGTH = DataDecoder.payloadHeaderLength();
    private static final int MIN_FRAME_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH + DataDecoder.BLOCK_LENGTH +
        SENDER_GROUP_HEADER_LENGTH + TARGET_GROUP_HEADER_LENGTH + PAYLOAD_HEADER_LENGTH;
    private static final long TEMPLATE_AND_SCHEMA_MASK = 0xFFFF_FFFF_0000L;
    private static final boolean IS_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final long DATA_TEMPLATE_AND_SCHEMA =
        ((long)DataDecoder.SCHEMA_ID << 32) | ((long)DataDecoder.TEMPLATE_ID << 16);

    private final Subscription subscription;
    private final FragmentAssembler assembler = new FragmentAssembler(this);
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

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        // Decoded by hand with the generated codec's layout constants: the SBE header in one read, then the group
        // lengths and the payload length, each checked against the end of the fragment before it is used. The
        // fragment lies inside the term buffer, so once a read is known to fall inside the fragment it is done
        // without the buffer's own bounds check, as Aeron reads its frame headers.
        final int end = offset + length;
        if (length < MIN_FRAME_LENGTH)
        {
            malformedFrames.incrementRelease();
            return;
        }

        final byte[] array = buffer.byteArray();
        final long address = buffer.addressOffset();
        final long messageHeader = getLong(array, address + offset);
        final int blockLength = (int)(messageHeader & 0xFFFF);
        if ((messageHeader & TEMPLATE_AND_SCHEMA_MASK) != DATA_TEMPLATE_AND_SCHEMA ||
            blockLength < DataDecoder.BLOCK_LENGTH)
        {
            malformedFrames.incrementRelease();
            return;
        }

        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int senderGroupOffset = bodyOffset + blockLength + SENDER_GROUP_HEADER_LENGTH;
        if (senderGroupOffset + TARGET_GROUP_HEADER_LENGTH + PAYLOAD_HEADER_LENGTH > end)
        {
            malformedFrames.incrementRelease();
            return;
        }
        final int senderGroupLength = UnsafeApi.getByte(array, address + senderGroupOffset - 1) & 0xFF;

        final int targetGroupOffset = senderGroupOffset + senderGroupLength + TARGET_GROUP_HEADER_LENGTH;
        if (targetGroupOffset + PAYLOAD_HEADER_LENGTH > end)
        {
            malformedFrames.incrementRelease();
            return;
        }
        final int targetGroupLength = UnsafeApi.getByte(array, address + targetGroupOffset - 1) & 0xFF;

        final int payloadOffset = targetGroupOffset + targetGroupLength + PAYLOAD_HEADER_LENGTH;
        if (payloadOffset > end)
        {
            malformedFrames.incrementRelease();
            return;
        }
        final int payloadLength = getInt(array, address + payloadOffset - PAYLOAD_HEADER_LENGTH);
        if (payloadLength < 0 || payloadLength > end - payloadOffset)
        {
            malformedFrames.incrementRelease();
            return;
        }

        if (null != groupFilter && !isGroup(array, address + targetGroupOffset, targetGroupLength))
        {
            return;
        }

        final MessageHandler[] handlers = handlerList.handlers();
        if (0 == handlers.length)
        {
            unhandledMessages.incrementRelease();
            return;
        }

        final long senderId = getLong(array, address + bodyOffset + SENDER_ID_OFFSET);
        message.wrap(kind, senderId, buffer, senderGroupOffset, senderGroupLength, payloadOffset, payloadLength);
        for (final MessageHandler handler : handlers)
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
    }

    private static long getLong(final byte[] array, final long address)
    {
        final long value = UnsafeApi.getLong(array, address);
        return IS_LITTLE_ENDIAN ? value : Long.reverseBytes(value);
    }

    private static int getInt(final byte[] array, final long address)
    {
        final int value = UnsafeApi.getInt(array, address);
        return IS_LITTLE_ENDIAN ? value : Integer.reverseBytes(value);
    }

    private boolean isGroup(final byte[] array, final long address, final int length)
    {
        final byte[] group = groupFilter;
        if (length != group.length)
        {
            return false;
        }

        for (int i = 0; i < length; i++)
        {
            if (UnsafeApi.getByte(array, address + i) != group[i])
            {
                return false;
            }
        }

        return true;
    }

    @Override
    public void close()
    {
        subscription.close();
    }
}
