package io.clustr.patterns.call;

/**
 * A function a {@link CallServer} runs on its executor, off the node's duty cycle: it may take as long as it needs
 * (it holds one of the server's slots meanwhile). Its return value is the reply; an exception it throws becomes the
 * caller's {@link CallException} of kind {@code REMOTE}, with the exception's class and message.
 */
@FunctionalInterface
public interface CallFunction
{
    /**
     * @param request a copy of the request's bytes, the function's own.
     * @return the reply's bytes (null for an empty reply).
     * @throws Exception to fail the call.
     */
    byte[] apply(byte[] request) throws Exception;
}
