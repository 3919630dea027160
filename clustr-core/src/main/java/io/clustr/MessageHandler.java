package io.clustr;

/**
 * Receives messages from one kind of stream. Called on the node's duty-cycle thread: return quickly, hand long work
 * to another thread, and copy what you keep (see {@link Message}). An exception thrown here is reported to the
 * node's error handler and counted; the node keeps delivering.
 */
@FunctionalInterface
public interface MessageHandler
{
    /**
     * Called once per message.
     *
     * @param message the message, valid only during this call.
     */
    void onMessage(Message message);
}
