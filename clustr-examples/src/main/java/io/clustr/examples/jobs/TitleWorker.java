package io.clustr.examples.jobs;

import io.clustr.Options;
import io.clustr.Worker;
import io.clustr.patterns.job.JobWorker;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A worker of the titles example: takes jobs of queue {@code pages}, function {@code title}: fetches the URL it is
 * given and returns the page's title, one page at a time.
 */
public final class TitleWorker
{
    private static final Pattern TITLE = Pattern.compile("<title>(.*?)</title>", Pattern.DOTALL);

    private TitleWorker()
    {
    }

    /**
     * @param args ignored.
     */
    public static void main(final String[] args)
    {
        final Worker worker = Worker.create(Options.group("fetchers"));
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        JobWorker.on(worker)
            .maxInFlight(1)
            .handle("pages", "title", (url) ->
            {
                final HttpResponse<String> page = http.send(
                    HttpRequest.newBuilder(URI.create(new String(url, StandardCharsets.UTF_8)))
                        .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
                final Matcher title = TITLE.matcher(page.body());
                if (page.statusCode() != 200 || !title.find())
                {
                    throw new IllegalStateException("no title at " + new String(url, StandardCharsets.UTF_8) +
                        " (HTTP " + page.statusCode() + ")");
                }
                return title.group(1).getBytes(StandardCharsets.UTF_8);
            })
            .start();
        worker.confirm("ready");
    }
}
