package io.clustr.patterns.call;

import org.agrona.DirectBuffer;

/**
 * The zero-copy form of a call's outcome, for the hot path: exactly one of the two methods is called once per call,
 * on the caller node's duty-cycle thread (or, for a failure known at once, on the calling thread; for a timeout, on
 * the client's timer thread). Keep it short, never block in it.
 */
public interface ReplyHandler
{
    /**
     * The reply, a view over the stream's log valid only inside this call: copy what you keep.
     *
     * @param workerId id of the worker that ran the call.
     * @param buffer   holding the reply.
     * @param offset   of the reply in the buffer.
     * @param length   of the reply.
     */
    void onReply(long workerId, DirectBuffer buffer, int offset, int length);

    /**
     * The call failed.
     *
     * @param error why, with its {@link CallException#kind()}.
     */
    void onError(CallException error);
}
