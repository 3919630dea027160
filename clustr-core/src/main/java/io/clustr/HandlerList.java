package io.clustr;

import java.util.Arrays;
import java.util.Objects;

/**
 * Copy-on-write list of message handlers: added to from any thread, read without locks by the duty-cycle thread.
 */
final class HandlerList
{
    private static final MessageHandler[] NONE = new MessageHandler[0];

    private volatile MessageHandler[] handlers = NONE;

    synchronized void add(final MessageHandler handler)
    {
        Objects.requireNonNull(handler, "handler must not be null");
        final MessageHandler[] newHandlers = Arrays.copyOf(handlers, handlers.length + 1);
        newHandlers[handlers.length] = handler;
        handlers = newHandlers;
    }

    MessageHandler[] handlers()
    {
        return handlers;
    }
}
