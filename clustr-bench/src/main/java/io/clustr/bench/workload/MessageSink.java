package io.clustr.bench.workload;

import org.agrona.DirectBuffer;

/**
 * Where a bench publisher sends: a raw Aeron publication, a clustr node, ...
 */
@FunctionalInterface
public interface MessageSink
{
    /**
     * Try to send one message without blocking.
     *
     * @param buffer holding the message at offset 0.
     * @param length of the message.
     * @return true when accepted, false when back-pressured or not yet connected.
     */
    boolean offer(DirectBuffer buffer, int length);
}
