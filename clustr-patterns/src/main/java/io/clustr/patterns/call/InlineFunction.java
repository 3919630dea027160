package io.clustr.patterns.call;

/**
 * A function a {@link CallServer} runs on the node's duty-cycle thread, for work of microseconds (a digest, a
 * lookup): no thread hand-off, the request a view over the stream's log. It must return promptly: while it runs, the
 * node polls none of its streams. For longer or blocking work, reply later (asynchronously) through the
 * {@link Responder} from any thread, or serve a {@link CallFunction} instead.
 */
@FunctionalInterface
public interface InlineFunction
{
    /**
     * @param request   the request, valid only during this call.
     * @param responder to reply through, now or later, exactly once; an exception thrown here fails the call.
     * @throws Exception to fail the call (unless it was replied to already).
     */
    void apply(Request request, Responder responder) throws Exception;
}
