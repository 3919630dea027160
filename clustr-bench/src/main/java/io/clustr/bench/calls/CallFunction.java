package io.clustr.bench.calls;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The function a worker serves: computes the reply to one request. One instance per serving thread (it may keep
 * state, such as a message digest); see {@link CallFunctions} for the bench's functions.
 */
@FunctionalInterface
public interface CallFunction
{
    /**
     * Compute the reply.
     *
     * @param request       holding the request.
     * @param offset        of the request.
     * @param length        of the request.
     * @param reply         to write the reply to, at least {@link CallFunctions#replyLength(String, int)} long.
     * @return the reply's length, written at offset 0 of {@code reply}.
     */
    int apply(DirectBuffer request, int offset, int length, MutableDirectBuffer reply);
}
