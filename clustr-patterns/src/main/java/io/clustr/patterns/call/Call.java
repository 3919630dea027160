package io.clustr.patterns.call;

import org.agrona.DirectBuffer;

/**
 * One call as the caller tracks it, from submission to its one outcome. Guarded by its client's lock.
 */
final class Call
{
    final long correlationId;
    final String group;
    final String function;
    final long deadlineNs;
    final ReplyHandler handler;
    long sequence;
    /**
     * The request while it is to be sent: a view of the caller's buffer (sent at once), or null when it is held in
     * {@link #heldPayload}.
     */
    DirectBuffer payload;
    /**
     * The request as an array this call owns: the caller's own, handed over, or the copy made when it had to wait.
     */
    byte[] heldPayload;
    int payloadOffset;
    int payloadLength;
    Dispatcher.Server server;
    int functionIndex;
    boolean isDone;
    boolean isTimedOut;
    CallException error;

    Call(
        final long correlationId,
        final String group,
        final String function,
        final long deadlineNs,
        final ReplyHandler handler)
    {
        this.correlationId = correlationId;
        this.group = group;
        this.function = function;
        this.deadlineNs = deadlineNs;
        this.handler = handler;
    }

    /**
     * @return the id of the server it was dispatched to, or -1 while queued.
     */
    long serverId()
    {
        return null == server ? -1 : server.id;
    }

    Call fail(final CallException error)
    {
        this.error = error;
        return this;
    }

    public String toString()
    {
        return "Call{" + correlationId + " " + group + "/" + function + " server=" + serverId() + "}";
    }
}
