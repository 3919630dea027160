package io.clustr.patterns.system;

import io.clustr.Options;
import io.clustr.Worker;
import io.clustr.patterns.call.CallServer;
import io.clustr.patterns.job.JobWorker;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker main for the patterns' system tests. Arguments: group, maxInFlight, and {@code calls} or {@code jobs}.
 * It serves (calls) or handles on queue {@code q} (jobs):
 * <ul>
 *     <li>{@code echo} (inline): the request back;</li>
 *     <li>{@code sleep} (executor): sleeps the request's milliseconds, replies {@code id|max} (fails for a request
 *     starting with "fail"), where max is the most
 *     calls this worker ever ran at once;</li>
 *     <li>{@code later} (inline, asynchronous): replies {@code id} after the request's milliseconds, from a timer
 *     thread;</li>
 *     <li>{@code boom} (executor): throws {@code IllegalStateException("boom: " + request)};</li>
 *     <li>{@code whoami} (inline): replies its id;</li>
 *     <li>{@code record} (inline, jobs only): tells the master {@code job|id|request} on its private stream.</li>
 * </ul>
 * Then it confirms "ready".
 */
public final class PatternWorker
{
    private PatternWorker()
    {
    }

    public static void main(final String[] args)
    {
        final Worker worker = Worker.create(Options.group(args[0]));
        final int maxInFlight = Integer.parseInt(args[1]);
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((r) ->
        {
            final Thread thread = new Thread(r, "later");
            thread.setDaemon(true);
            return thread;
        });
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();
        final String id = Long.toString(worker.id());

        if ("jobs".equals(args[2]))
        {
            JobWorker.on(worker).maxInFlight(maxInFlight)
                .handle("q", "sleep", (request) -> sleep(id, request, running, max))
                .handle("q", "boom", (request) -> boom(request))
                .handleInline("q", "whoami", (request, responder) -> responder.reply(id))
                .handleInline("other", "whoami", (request, responder) -> responder.reply("other:" + id))
                .handleInline("q", "record", (request, responder) ->
                {
                    worker.publish(io.clustr.Channel.worker(0), "job|" + id + "|" + request.text());
                    responder.reply(new byte[0]);
                })
                .start();
        }
        else
        {
            CallServer.on(worker).maxInFlight(maxInFlight)
                .serveInline("echo", (request, responder) ->
                    responder.reply(request.buffer(), request.offset(), request.length()))
                .serve("sleep", (request) -> sleep(id, request, running, max))
                .serveInline("later", (request, responder) ->
                {
                    final long ms = Long.parseLong(request.text());
                    timer.schedule(() -> responder.reply(id), ms, TimeUnit.MILLISECONDS);
                })
                .serve("boom", (request) -> boom(request))
                .serveInline("whoami", (request, responder) -> responder.reply(id))
                .start();
        }
        worker.confirm("ready");
    }

    private static byte[] sleep(
        final String id, final byte[] request, final AtomicInteger running, final AtomicInteger max)
        throws InterruptedException
    {
        final String text = new String(request, StandardCharsets.UTF_8);
        if (text.startsWith("fail"))
        {
            throw new IllegalArgumentException("cannot sleep " + text);
        }
        final int now = running.incrementAndGet();
        max.accumulateAndGet(now, Math::max);
        try
        {
            Thread.sleep(Long.parseLong(text));
        }
        finally
        {
            running.decrementAndGet();
        }
        return (id + "|" + max.get()).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] boom(final byte[] request)
    {
        throw new IllegalStateException("boom: " + new String(request, StandardCharsets.UTF_8));
    }
}
