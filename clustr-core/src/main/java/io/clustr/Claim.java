package io.clustr;

import io.aeron.logbuffer.BufferClaim;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Space claimed in a stream's log for one message, to encode it in place (zero copy), for instance with an SBE
 * encoder of your own: write the payload into {@link #buffer()} from {@link #offset()} for {@link #length()} bytes,
 * then {@link #commit()} it, or {@link #abort()} to publish nothing. Until then the stream waits for this message,
 * so commit promptly and never hold a claim across a blocking call.
 * <pre>{@code
 * Claim claim = node.claim(Channel.PUBLIC, OrderEncoder.BLOCK_LENGTH + 8);
 * orderEncoder.wrapAndApplyHeader(claim.buffer(), claim.offset(), headerEncoder).price(price).quantity(qty);
 * claim.commit();
 * }</pre>
 * A claim belongs to the thread that made it and is reused by that thread's next claim. When nobody subscribes to
 * the stream (public or group), the claim is scratch space and committing it delivers to nobody, as a publish does.
 * Write only inside {@code [offset, offset + length)}: the bytes before it are Aeron's header.
 */
public final class Claim
{
    private final BufferClaim bufferClaim;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[0]);
    private MutableDirectBuffer buffer;
    private int offset;
    private int length;
    private boolean isLogClaim;
    private boolean isOpen;

    Claim(final BufferClaim bufferClaim)
    {
        this.bufferClaim = bufferClaim;
    }

    /**
     * The claim is in the log: the caller has claimed {@code bufferClaim} and set its reserved value.
     */
    Claim inLog()
    {
        buffer = bufferClaim.buffer();
        offset = bufferClaim.offset();
        length = bufferClaim.length();
        isLogClaim = true;
        isOpen = true;
        return this;
    }

    /**
     * Nobody subscribes: scratch space of the given length, discarded on commit.
     */
    Claim inScratch(final int length)
    {
        if (scratch.capacity() < length)
        {
            scratch.wrap(new byte[Math.max(length, 64)]);
        }
        buffer = scratch;
        offset = 0;
        this.length = length;
        isLogClaim = false;
        isOpen = true;
        return this;
    }

    /**
     * @return the buffer to write the payload into.
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return where the payload starts in {@link #buffer()}.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return length of the payload, as claimed.
     */
    public int length()
    {
        return length;
    }

    /**
     * Publish the message.
     *
     * @throws IllegalStateException if the claim was already committed or aborted.
     */
    public void commit()
    {
        close();
        if (isLogClaim)
        {
            bufferClaim.commit();
        }
    }

    /**
     * Publish nothing: the claimed space becomes padding that subscribers skip.
     *
     * @throws IllegalStateException if the claim was already committed or aborted.
     */
    public void abort()
    {
        close();
        if (isLogClaim)
        {
            bufferClaim.abort();
        }
    }

    private void close()
    {
        if (!isOpen)
        {
            throw new IllegalStateException("this claim was already committed or aborted: claim again");
        }
        isOpen = false;
    }

    boolean isOpen()
    {
        return isOpen;
    }
}
