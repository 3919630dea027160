package io.clustr.patterns.stream;

import org.agrona.DirectBuffer;

/**
 * A worker's processing of one stream message: emit zero or more results, then return. When it returns the message
 * is complete and all its results go back to the manager in one frame; when it throws, the message is dropped at the
 * manager ({@link DropReason#FAILED}, with the exception's class and message) and the worker goes on.
 */
@FunctionalInterface
public interface StreamProcessor
{
    /**
     * Process one message. Runs on the worker node's duty-cycle thread.
     *
     * @param buffer  holding the message: valid only during the call (zero copy from the stream's log).
     * @param offset  of the message.
     * @param length  of the message.
     * @param results where to emit the message's results (zero or more).
     * @throws Exception to fail the message.
     */
    void process(DirectBuffer buffer, int offset, int length, Results results) throws Exception;
}
