package io.clustr.patterns.call;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * Replies to one call, from any thread, exactly once: the first of {@link #reply} or {@link #fail} counts, later ones
 * return false. Replying frees the server's slot.
 */
public final class Responder
{
    private final CallServer server;
    private final long callerId;
    private final long correlationId;
    /**
     * One per call, on the server's hot path: a field and an updater, not an AtomicBoolean object more per call.
     */
    private static final AtomicIntegerFieldUpdater<Responder> REPLIED =
        AtomicIntegerFieldUpdater.newUpdater(Responder.class, "replied");

    private volatile int replied;

    Responder(final CallServer server, final long callerId, final long correlationId)
    {
        this.server = server;
        this.callerId = callerId;
        this.correlationId = correlationId;
    }

    /**
     * Reply with a region of a buffer (copied into the caller's stream).
     *
     * @param buffer holding the reply.
     * @param offset of the reply.
     * @param length of the reply.
     * @return true if this was the call's reply, false if it had been replied to already.
     */
    public boolean reply(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!REPLIED.compareAndSet(this, 0, 1))
        {
            return false;
        }
        server.replyOk(callerId, correlationId, buffer, offset, length);
        return true;
    }

    /**
     * @param bytes the reply (null for an empty one).
     * @return true if this was the call's reply.
     */
    public boolean reply(final byte[] bytes)
    {
        final byte[] reply = null == bytes ? new byte[0] : bytes;
        return reply(new UnsafeBuffer(reply), 0, reply.length);
    }

    /**
     * @param text the reply, encoded as UTF-8.
     * @return true if this was the call's reply.
     */
    public boolean reply(final String text)
    {
        return reply(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Fail the call: the caller gets a {@link CallException} of kind {@code REMOTE} with the error's class and
     * message.
     *
     * @param error what went wrong.
     * @return true if this was the call's reply.
     */
    public boolean fail(final Throwable error)
    {
        if (!REPLIED.compareAndSet(this, 0, 1))
        {
            return false;
        }
        server.replyError(callerId, correlationId, error);
        return true;
    }

    /**
     * @return true once replied to (or failed).
     */
    public boolean isReplied()
    {
        return 1 == replied;
    }
}
