package io.clustr.system;

import io.clustr.Channel;
import io.clustr.Options;
import io.clustr.Worker;

/**
 * A worker that echoes every echo message and sentinel its private stream receives back to the sender
 * ({@link EchoHandler}), from its handler. The text command {@code stats} makes it report
 * {@code echo-stats|myId|<EchoHandler.stats()>} to the master. Confirms "ready" once its handler is registered.
 */
public final class EchoWorker
{
    private EchoWorker()
    {
    }

    public static void main(final String[] args)
    {
        final Worker worker = Worker.create(Options.group("echo"));
        final EchoHandler echo = new EchoHandler(worker, true);
        worker.onPrivate((msg) ->
        {
            if (!echo.onMessage(msg) && "stats".equals(msg.text()))
            {
                worker.publish(Channel.worker(0), "echo-stats|" + worker.id() + "|" + echo.stats());
            }
        });
        worker.confirm("ready");
    }
}
