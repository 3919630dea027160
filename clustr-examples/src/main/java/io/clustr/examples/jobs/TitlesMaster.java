package io.clustr.examples.jobs;

import com.sun.net.httpserver.HttpServer;
import io.clustr.Master;
import io.clustr.patterns.call.CallClient;
import io.clustr.patterns.job.JobQueues;
import io.clustr.patterns.job.JobResult;
import io.clustr.spawn.Spec;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.clustr.spawn.Spec.spec;

/**
 * Worker-machine's own example: fetch the titles of 10 pages, as a batch of jobs. The example serves the 10 pages
 * itself, on loopback only, each after a 1 s delay; it fetches them with 1 worker (about 10 s: one at a time), then
 * with 4 (about 3 s: three rounds), printing each title as it arrives and the time.
 */
public final class TitlesMaster
{
    private static final int PAGES = 10;

    private TitlesMaster()
    {
    }

    /**
     * Run the example.
     *
     * @param args ignored.
     * @throws Exception if the example fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final ExecutorService pageThreads = Executors.newFixedThreadPool(PAGES, (r) ->
        {
            final Thread thread = new Thread(r, "page-server");
            thread.setDaemon(true);
            return thread;
        });
        final HttpServer pages = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        pages.createContext("/page/", (exchange) ->
        {
            try
            {
                Thread.sleep(1000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            final String n = exchange.getRequestURI().getPath().substring("/page/".length());
            final byte[] body = ("<html><head><title>Page " + n + " of " + PAGES + "</title></head><body>page " + n +
                "</body></html>").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        });
        pages.setExecutor(pageThreads);
        pages.start();
        final List<byte[]> urls = new ArrayList<>();
        for (int i = 1; i <= PAGES; i++)
        {
            urls.add(("http://127.0.0.1:" + pages.getAddress().getPort() + "/page/" + i)
                .getBytes(StandardCharsets.UTF_8));
        }
        log("serving " + PAGES + " pages on http://127.0.0.1:" + pages.getAddress().getPort() + "/page/N, 1 s each");

        try (Master master = Master.create())
        {
            log("master started, media driver in " + master.aeronDirectoryName());
            final CallClient calls = CallClient.on(master).start();
            final JobQueues jobs = JobQueues.on(calls);

            spawn(master, calls, 1);
            run(jobs, urls, 1);
            spawn(master, calls, 3);
            run(jobs, urls, 4);
            calls.close();
        }
        finally
        {
            pages.stop(0);
            pageThreads.shutdownNow();
        }
        log("done");
    }

    private static void spawn(final Master master, final CallClient calls, final int count)
        throws InterruptedException
    {
        final int before = calls.serverCount(CallClient.ANY_GROUP, "pages/title");
        final CountDownLatch ready = new CountDownLatch(1);
        master.onConfirmation(count, "ready", ready::countDown);
        final List<Spec> specs = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            specs.add(spec(TitleWorker.class.getName()));
        }
        master.spawn(specs);
        if (!ready.await(60, TimeUnit.SECONDS))
        {
            throw new IllegalStateException(count + " workers did not confirm ready within 60 s");
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (calls.serverCount(CallClient.ANY_GROUP, "pages/title") < before + count &&
            System.nanoTime() < deadlineNs)
        {
            Thread.sleep(1);
        }
    }

    private static void run(final JobQueues jobs, final List<byte[]> urls, final int workers)
    {
        final long startNs = System.nanoTime();
        int failed = 0;
        for (final JobResult result : jobs.batch("pages", "title", urls))
        {
            if (result.isSuccess())
            {
                log("  " + result.text() + "   (worker " + result.workerId() + ")");
            }
            else
            {
                failed++;
                log("  page " + (result.index() + 1) + " failed: " + result.error().getMessage());
            }
        }
        final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        log(PAGES + " titles with " + workers + " worker" + (1 == workers ? "" : "s") + " in " + ms + " ms" +
            (0 == failed ? "" : " (" + failed + " failed)"));
    }

    private static void log(final String line)
    {
        System.out.println("[titles] " + line);
    }
}
