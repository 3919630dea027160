package io.clustr;

/**
 * A clustr operation failed for a reason the caller can act on; the message says what happened and what to do.
 */
public class ClustrException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong and what to do about it.
     */
    public ClustrException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong and what to do about it.
     * @param cause   the underlying exception.
     */
    public ClustrException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
