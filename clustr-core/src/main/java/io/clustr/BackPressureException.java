package io.clustr;

/**
 * A publish gave up because the stream stayed back-pressured: a subscriber (on a private stream, the target) is not
 * keeping up. Thrown after the publish timeout, or, on a node's duty-cycle thread (inside a handler), after the much
 * shorter handler publish timeout, because a node that waits there stops draining its own streams. The message was
 * not published; publish it again later, or use {@code tryPublish} to decide per message.
 */
public class BackPressureException extends ClustrException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was back-pressured, for how long, and what to do.
     */
    public BackPressureException(final String message)
    {
        super(message);
    }
}
