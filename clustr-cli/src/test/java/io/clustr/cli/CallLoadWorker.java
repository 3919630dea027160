package io.clustr.cli;

import io.clustr.Worker;
import io.clustr.patterns.call.CallClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The load of the reload test: calls {@code echo} on the group named by its first argument with up to 8 calls in
 * flight, without a pause, from the moment a server is known; checks each reply and prints
 * {@code load ok=<n> failed=<n> first-failure=<what>} every 200 ms.
 */
public final class CallLoadWorker
{
    private CallLoadWorker()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final String group = args[0];
        final Worker worker = Worker.create();
        final CallClient calls = CallClient.on(worker).timeout(Duration.ofSeconds(20)).start();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<String> firstFailure = new AtomicReference<>("none");
        final Semaphore inFlight = new Semaphore(8);

        while (!calls.hasServer(group, "echo"))
        {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        System.out.println("load started");
        worker.confirm("ready");

        final Thread reporter = new Thread(() ->
        {
            while (!Thread.currentThread().isInterrupted())
            {
                System.out.println("load ok=" + ok.get() + " failed=" + failed.get() + " first-failure=" +
                    firstFailure.get());
                try
                {
                    TimeUnit.MILLISECONDS.sleep(200);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
            }
        }, "reporter");
        reporter.setDaemon(true);
        reporter.start();

        long sequence = 0;
        while (!worker.isClosed())
        {
            inFlight.acquire();
            final byte[] request = Long.toString(sequence++).getBytes(StandardCharsets.US_ASCII);
            calls.call(group, "echo", request).whenComplete((reply, ex) ->
            {
                inFlight.release();
                if (null == ex && Arrays.equals(request, reply.bytes()))
                {
                    ok.incrementAndGet();
                }
                else
                {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet("none", null == ex ? "wrong reply" : String.valueOf(ex));
                }
            });
        }
    }
}
