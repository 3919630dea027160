package io.clustr.cli;

/**
 * A command failed for a reason the user can act on; its message says what and what to do, and is printed without
 * a stack trace.
 */
final class CliException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    CliException(final String message)
    {
        super(message);
    }
}
