package io.clustr.patterns.call;

import java.nio.charset.StandardCharsets;

/**
 * A call's reply, copied out of the stream's log: who ran it and the bytes it returned.
 */
public final class Reply
{
    private final long workerId;
    private final byte[] bytes;

    /**
     * @param workerId id of the worker that ran the call.
     * @param bytes    the reply's bytes (not copied).
     */
    public Reply(final long workerId, final byte[] bytes)
    {
        this.workerId = workerId;
        this.bytes = bytes;
    }

    /**
     * @return id of the worker that ran the call.
     */
    public long workerId()
    {
        return workerId;
    }

    /**
     * @return the reply's bytes (not a copy).
     */
    public byte[] bytes()
    {
        return bytes;
    }

    /**
     * @return the reply decoded as UTF-8.
     */
    public String text()
    {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "Reply{workerId=" + workerId + ", length=" + bytes.length + "}";
    }
}
