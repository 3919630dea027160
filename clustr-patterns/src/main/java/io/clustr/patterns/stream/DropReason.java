package io.clustr.patterns.stream;

/**
 * Why a message accepted by a {@link StreamManager} was given up and handed to its {@link DropHandler} instead of
 * producing results. Every accepted message ends exactly once: completed (its results delivered) or dropped.
 */
public enum DropReason
{
    /**
     * No worker was up and the holding queue already held {@code maxQueue} messages: the oldest held message is
     * dropped to make room (forkfriend's {@code drop} event).
     */
    OVERFLOW,

    /**
     * The worker's processor threw: the detail is the exception's class and message. Not retried.
     */
    FAILED,

    /**
     * The message was in flight at a worker that died (or left) this many times: {@code maxAttempts}, so it is not
     * sent again (a message that kills every worker it reaches must not kill them all).
     */
    WORKER_DIED,

    /**
     * The manager was closed while the message was still held or in flight.
     */
    CLOSED
}
