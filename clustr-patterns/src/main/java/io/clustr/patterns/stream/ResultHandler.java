package io.clustr.patterns.stream;

import org.agrona.DirectBuffer;

/**
 * Receives the results of a {@link StreamManager}'s messages, as workers complete them.
 */
@FunctionalInterface
public interface ResultHandler
{
    /**
     * One result of a message. The results of one message arrive together, in the order its processor emitted them,
     * before the message counts as completed; results of different messages arrive in completion order, not in the
     * order the messages were offered. Called on the manager node's duty-cycle thread under the manager's lock: keep it
     * short, never call {@link StreamManager#write} from it (use {@link StreamManager#offer}).
     *
     * @param sequence of the message the result is for.
     * @param buffer   holding the result: valid only during the call (zero copy from the stream's log).
     * @param offset   of the result in the buffer.
     * @param length   of the result.
     */
    void onResult(long sequence, DirectBuffer buffer, int offset, int length);
}
