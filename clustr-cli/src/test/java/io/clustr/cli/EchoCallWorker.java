package io.clustr.cli;

import io.clustr.Worker;
import io.clustr.patterns.call.CallServer;

import java.util.concurrent.TimeUnit;

/**
 * A call server for the reload test: serves {@code echo} inline in the group of its environment
 * ({@code CLUSTR_GROUP}, set by {@code clustr run}), confirms "ready" once it serves, and stops gracefully when
 * killed: withdraws (callers send it nothing new), serves what was already sent until no request has come for
 * 300 ms, then closes.
 */
public final class EchoCallWorker
{
    private EchoCallWorker()
    {
    }

    public static void main(final String[] args)
    {
        final Worker worker = Worker.create();
        final CallServer server = CallServer.on(worker)
            .maxInFlight(64)
            .serveInline("echo", (request, responder) -> responder.reply(request.buffer(), request.offset(),
                request.length()))
            .start();
        worker.onKill((code) ->
        {
            server.withdraw();
            long seen = server.received();
            long quietSinceNs = System.nanoTime();
            while (System.nanoTime() - quietSinceNs < TimeUnit.MILLISECONDS.toNanos(300))
            {
                sleep();
                final long now = server.received();
                if (now != seen)
                {
                    seen = now;
                    quietSinceNs = System.nanoTime();
                }
            }
            server.close();
            System.out.println("echo server closed after " + seen + " requests");
        });
        worker.confirm("ready");
    }

    private static void sleep()
    {
        try
        {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
