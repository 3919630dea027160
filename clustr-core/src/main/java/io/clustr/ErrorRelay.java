package io.clustr;

import org.agrona.ErrorHandler;

/**
 * The Aeron client's error handler. The client exists before its node, so errors go to the context's handler until
 * the node attaches, then to the node (counted, and a driver timeout marks the driver as gone).
 */
final class ErrorRelay implements ErrorHandler
{
    private final ErrorHandler fallback;
    private volatile Node node;

    ErrorRelay(final ErrorHandler fallback)
    {
        this.fallback = fallback;
    }

    void attach(final Node node)
    {
        this.node = node;
    }

    @Override
    public void onError(final Throwable throwable)
    {
        final Node node = this.node;
        if (null == node)
        {
            fallback.onError(throwable);
        }
        else
        {
            node.onAeronError(throwable);
        }
    }
}
