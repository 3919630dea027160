package io.clustr.patterns.call;

import io.clustr.ClustrException;

/**
 * Why a call failed: {@link #kind()} says which of the call's error paths it took; the message says what happened
 * and, where it helps, what to do.
 */
public final class CallException extends ClustrException
{
    private static final long serialVersionUID = 1L;

    /**
     * The error paths of a call.
     */
    public enum Kind
    {
        /**
         * The function threw (or failed its reply): {@link #remoteType()} is the exception's class, the message its
         * message.
         */
        REMOTE,
        /**
         * The worker running the call left the cluster (died, was killed, left) before replying.
         */
        WORKER_LEFT,
        /**
         * No worker of the group serves the function (NATS's "no responders").
         */
        NO_SERVER,
        /**
         * Every slot was taken and the caller's waiting queue was at its bound.
         */
        QUEUE_FULL,
        /**
         * No reply within the call's timeout.
         */
        TIMEOUT,
        /**
         * The server refused the request: its own queue was full, or it does not know the function.
         */
        REJECTED,
        /**
         * The caller (or its node) closed before the reply.
         */
        CLOSED
    }

    private final Kind kind;
    private final String remoteType;

    /**
     * @param kind    which error path.
     * @param message what happened.
     */
    public CallException(final Kind kind, final String message)
    {
        this(kind, message, null, null);
    }

    /**
     * @param kind       which error path.
     * @param message    what happened.
     * @param remoteType the remote exception's class name, for {@link Kind#REMOTE}.
     * @param cause      a local cause, or null.
     */
    public CallException(final Kind kind, final String message, final String remoteType, final Throwable cause)
    {
        super(message, cause);
        this.kind = kind;
        this.remoteType = remoteType;
    }

    /**
     * @return which error path the call took.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * @return the class name of the exception the remote function threw, for {@link Kind#REMOTE}; otherwise null.
     */
    public String remoteType()
    {
        return remoteType;
    }
}
