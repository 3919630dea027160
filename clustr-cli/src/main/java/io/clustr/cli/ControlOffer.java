package io.clustr.cli;

import io.aeron.Publication;
import org.agrona.DirectBuffer;

import java.util.concurrent.TimeUnit;

/**
 * Offering one control frame from an operator command (kill, reload, scale), as a short-lived client.
 */
final class ControlOffer
{
    static final long TIMEOUT_MS = 5_000;

    private ControlOffer()
    {
    }

    /**
     * Offer a frame, retrying every millisecond while no node subscribes yet or the stream is back-pressured.
     *
     * @param publication the control stream's.
     * @param buffer      holding the frame at 0.
     * @param length      of the frame.
     * @param what        what the frame is, for the error: "the kill", "the request".
     * @throws CliException         if the stream is closed, or the frame is not taken within {@link #TIMEOUT_MS}.
     * @throws InterruptedException if interrupted while waiting.
     */
    static void offer(final Publication publication, final DirectBuffer buffer, final int length, final String what)
        throws InterruptedException
    {
        final long deadlineMs = System.currentTimeMillis() + TIMEOUT_MS;
        while (true)
        {
            final long result = publication.offer(buffer, 0, length);
            if (result > 0)
            {
                return;
            }
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                throw new CliException("the control stream was closed (offer result " + result + ")");
            }
            if (System.currentTimeMillis() > deadlineMs)
            {
                throw new CliException("could not send " + what + " within " + TIMEOUT_MS + " ms: " +
                    (Publication.NOT_CONNECTED == result ? "no node subscribes to the control stream " +
                    publication.streamId() : "the control stream is back-pressured"));
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }
}
