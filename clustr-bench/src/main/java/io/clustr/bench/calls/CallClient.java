package io.clustr.bench.calls;

import org.agrona.DirectBuffer;

/**
 * The calling side of a {@link CallTransport}: starts calls, each answered once through a {@link ReplyHandler}.
 * {@link CallDriver} keeps at most one call outstanding per caller, and starts a caller's next call from the
 * handler of its previous reply.
 */
public interface CallClient extends AutoCloseable
{
    /**
     * Start one call from a caller; returns without waiting for the reply (a blocking system may wait in a thread
     * of the caller's own, see {@link BlockingCallClient}).
     *
     * @param caller  0 to callers - 1; it has no other call outstanding.
     * @param request the request at offset 0; the client may read it until the reply has been handed over.
     * @param length  of the request.
     * @param handler told of the reply or the failure, exactly once, in any thread.
     */
    void call(int caller, DirectBuffer request, int length, ReplyHandler handler);

    /**
     * Release what the client holds; outstanding calls are abandoned.
     */
    void close();

    /**
     * Told of each reply or failure.
     */
    interface ReplyHandler
    {
        /**
         * A call's reply.
         *
         * @param caller who called.
         * @param reply  holding the reply; valid only during this call.
         * @param offset of the reply.
         * @param length of the reply.
         */
        void onReply(int caller, DirectBuffer reply, int offset, int length);

        /**
         * A call failed (timeout, remote error, connection lost).
         *
         * @param caller who called.
         * @param error  why.
         */
        void onError(int caller, Throwable error);
    }
}
