package io.clustr.patterns.call;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * A request as an {@link InlineFunction} sees it: a view over the stream's log, valid only during the function's
 * call, and reused for the next request. Copy what you keep.
 */
public final class Request
{
    private long callerId;
    private DirectBuffer buffer;
    private int offset;
    private int length;

    Request wrap(final long callerId, final DirectBuffer buffer, final int offset, final int length)
    {
        this.callerId = callerId;
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * @return id of the calling node (0 is the master).
     */
    public long callerId()
    {
        return callerId;
    }

    /**
     * @return the buffer holding the request.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return offset of the request in {@link #buffer()}.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return length of the request.
     */
    public int length()
    {
        return length;
    }

    /**
     * @return a copy of the request's bytes.
     */
    public byte[] bytes()
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    /**
     * @return the request decoded as UTF-8.
     */
    public String text()
    {
        return new String(bytes(), StandardCharsets.UTF_8);
    }
}
