package io.clustr;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.clustr.codecs.ConfirmationDecoder;
import io.clustr.codecs.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Decodes the confirmation stream, to which only the master subscribes, and counts each confirmation.
 */
final class ConfirmationAdapter implements FragmentHandler, AutoCloseable
{
    private static final int FRAGMENT_LIMIT = 64;

    private final Subscription subscription;
    private final FragmentAssembler assembler = new FragmentAssembler(this);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ConfirmationDecoder decoder = new ConfirmationDecoder();
    private final Confirmations confirmations;
    private final AtomicCounter malformedFrames;
    private long received;
    private long receivedBytes;

    ConfirmationAdapter(
        final Subscription subscription, final Confirmations confirmations, final AtomicCounter malformedFrames)
    {
        this.subscription = subscription;
        this.confirmations = confirmations;
        this.malformedFrames = malformedFrames;
    }

    int poll()
    {
        return subscription.poll(assembler, FRAGMENT_LIMIT);
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final int end = offset + length;
        if (length >= MessageHeaderDecoder.ENCODED_LENGTH)
        {
            headerDecoder.wrap(buffer, offset);
            final int blockLength = headerDecoder.blockLength();
            final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
            if (headerDecoder.schemaId() == ConfirmationDecoder.SCHEMA_ID &&
                headerDecoder.templateId() == ConfirmationDecoder.TEMPLATE_ID &&
                blockLength >= ConfirmationDecoder.BLOCK_LENGTH &&
                bodyOffset + blockLength <= end)
            {
                try
                {
                    decoder.wrap(buffer, bodyOffset, blockLength, headerDecoder.version());
                    final long senderId = decoder.senderId();
                    final String senderGroup = decoder.senderGroup();
                    final int idLength = decoder.confirmationIdLength();
                    final String confirmationId = decoder.confirmationId();
                    if (decoder.limit() <= end)
                    {
                        received++;
                        receivedBytes += idLength;
                        confirmations.onConfirmation(senderId, senderGroup, confirmationId);
                        return;
                    }
                }
                catch (final IndexOutOfBoundsException ex)
                {
                    // a length field pointed outside the buffer: malformed, counted below
                }
            }
        }

        malformedFrames.incrementRelease();
    }

    /**
     * @return confirmations decoded since the last call (agent thread).
     */
    long takeReceived()
    {
        final long count = received;
        received = 0;
        return count;
    }

    /**
     * @return bytes of the confirmation ids decoded since the last call.
     */
    long takeReceivedBytes()
    {
        final long bytes = receivedBytes;
        receivedBytes = 0;
        return bytes;
    }

    @Override
    public void close()
    {
        subscription.close();
    }
}
