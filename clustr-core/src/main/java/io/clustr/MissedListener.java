package io.clustr;

/**
 * Told when this node was cut loose from a stream it could not keep up with, and how much of it it missed.
 * <p>
 * The public and group streams do not wait for a slow subscriber: a node that falls more than three quarters of the
 * stream's window (the term length) behind the fastest subscriber, and stays behind for
 * {@link Configuration#UNTETHERED_WINDOW_LIMIT_TIMEOUT_PROP_NAME}, is dropped from the stream's flow control by the
 * media driver, so its publishers and the other subscribers carry on. When the node next runs its duty cycle it
 * subscribes again and resumes at the live position of the stream; the messages in between are not delivered to it.
 * This listener is then called on the duty-cycle thread with the size of that gap, before any message after it is
 * delivered (once per log of the stream the node resumed ahead of what it had consumed: a stream on one host is one
 * log). Nothing the node had already been handed is delivered again, and each sender's messages stay in order.
 * Private and confirmation streams never cut a node loose: their publishers wait (up to the publish timeout)
 * instead.
 */
@FunctionalInterface
public interface MissedListener
{
    /**
     * The node was cut loose from a stream and has resumed on its live position.
     *
     * @param stream      the stream: {@link Channel.Kind#PUBLIC} or {@link Channel.Kind#GROUP}.
     * @param bytesMissed bytes of the stream's log between the end of the last frame this node consumed before it
     *                    was cut loose and the position it resumed at (frames as stored in the log: Aeron's 32-byte
     *                    headers, payloads and alignment to 32 bytes), always positive.
     */
    void onMissed(Channel.Kind stream, long bytesMissed);
}
