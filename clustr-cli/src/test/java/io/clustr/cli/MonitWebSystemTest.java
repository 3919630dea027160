package io.clustr.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code clustr monit} and {@code clustr web}'s server against a real cluster ({@link TestCluster}: a master here,
 * two worker JVMs, messages flowing to the web worker).
 */
@InterruptAfter(90)
class MonitWebSystemTest
{
    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private TestCluster cluster;

    @BeforeEach
    void startCluster()
    {
        cluster = new TestCluster();
        watcher.watch(cluster.aeronDir);
        cluster.startSending();
        Tests.await(() -> cluster.reportsReceived.get() > 10, TestCluster.TIMEOUT, "reports of the web worker");
    }

    @AfterEach
    void stopCluster()
    {
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @Test
    void monitShowsEveryNodeWithRates()
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = ClustrCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        final int exitCode = commandLine.execute(
            "monit", "--iterations", "2", "--interval", "1000", "--dir", cluster.aeronDir);
        final String text = out.toString();
        System.out.println(text); // the sample in docs/operations.md comes from here
        assertEquals(0, exitCode, () -> text + err);

        final String[] frames = text.split("(?m)^clustr monit  ");
        assertEquals(3, frames.length, text); // "" before the first, then 2 frames
        assertFalse(text.contains("\033"), "not a terminal: plain lines, no ANSI: " + text);
        for (int i = 1; i < frames.length; i++)
        {
            final String frame = frames[i];
            assertTrue(frame.contains(cluster.aeronDir + "  driver pid " + ProcessHandle.current().pid() +
                ", 3 nodes"), frame);
            final String[] webRow = row(frame, cluster.web.id());
            assertEquals("web", webRow[2], frame);
            assertEquals(Long.toString(cluster.web.pid()), webRow[3], frame);
            assertEquals("online", webRow[4], frame);
            // MSG-IN/S and MSG-OUT/S: the sender sends about 100 a second, each reported back
            assertTrue(Double.parseDouble(webRow[9]) > 0, frame);
            assertTrue(Double.parseDouble(webRow[10]) > 0, frame);
            final String[] cacheRow = row(frame, cluster.cache.id());
            assertEquals("cache", cacheRow[2], frame);
            assertEquals(Long.toString(cluster.cache.pid()), cacheRow[3], frame);
            assertEquals("0.0", cacheRow[9], frame);
            assertTrue(frame.contains("private TestWorker#" + cluster.web.id() + " "), frame);
            // messages/s by kind of stream, out/in: the master's private messages to web and web's reports
            final String[] privateRates = byStream(frame, "private");
            assertTrue(Double.parseDouble(privateRates[0]) > 0, frame);
            assertTrue(Double.parseDouble(privateRates[1]) > 0, frame);
            assertEquals("0.0", byStream(frame, "public")[0], frame);
        }
    }

    @Test
    void webServesTheStatusAsJsonAndThePage() throws IOException, InterruptedException
    {
        try (StatusServer server = StatusServer.start(List.of(Path.of(cluster.aeronDir)),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200, 10_000))
        {
            assertTrue(server.address().isLoopbackAddress());
            final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            final String base = "http://127.0.0.1:" + server.port();

            // after a few samples the web worker's history has rates above 0
            final List<String> seen = new ArrayList<>();
            Tests.await(() ->
            {
                final JsonObject web = node(status(client, base, seen), cluster.web.id());
                final JsonArray history = web.getAsJsonArray("messagesInHistory");
                return history.size() >= 3 && !history.get(history.size() - 1).isJsonNull() &&
                    history.get(history.size() - 1).getAsDouble() > 0;
            }, TestCluster.TIMEOUT, () -> "the web worker's message rate history in " + seen);

            final JsonObject status = status(client, base, seen);
            assertEquals(200, status.get("intervalMs").getAsLong());
            assertEquals(50, status.get("historyLength").getAsLong());
            final JsonObject web = node(status, cluster.web.id());
            assertEquals(cluster.web.pid(), web.get("pid").getAsLong());
            assertEquals("web", web.get("group").getAsString());
            assertEquals("online", web.get("state").getAsString());
            assertTrue(web.get("messagesInPerS").getAsDouble() > 0, web::toString);
            assertTrue(web.getAsJsonObject("messagesInPerSByStream").get("private").getAsDouble() > 0,
                web::toString);
            assertEquals(0.0, web.getAsJsonObject("messagesInPerSByStream").get("public").getAsDouble(),
                web::toString);
            assertTrue(web.getAsJsonObject("messagesOutPerSByStream").get("private").getAsDouble() > 0,
                web::toString);
            final JsonArray kinds = onlyCluster(status).getAsJsonArray("streamKinds");
            assertEquals(4, kinds.size(), kinds::toString);
            final JsonObject privateKind = kinds.get(2).getAsJsonObject();
            assertEquals("private", privateKind.get("kind").getAsString(), kinds::toString);
            assertTrue(privateKind.get("messagesOutPerS").getAsDouble() > 0, kinds::toString);
            assertTrue(privateKind.get("messagesInPerS").getAsDouble() > 0, kinds::toString);
            assertFalse(privateKind.getAsJsonArray("messagesOutHistory").isEmpty(), kinds::toString);
            final JsonObject cache = node(status, cluster.cache.id());
            assertEquals(cluster.cache.pid(), cache.get("pid").getAsLong());
            assertEquals("cache", cache.get("group").getAsString());
            assertEquals(ProcessHandle.current().pid(), node(status, 0).get("pid").getAsLong());

            boolean privateStreamOfWeb = false;
            for (final JsonElement stream : onlyCluster(status).getAsJsonArray("streams"))
            {
                privateStreamOfWeb |= ("private TestWorker#" + cluster.web.id())
                    .equals(stream.getAsJsonObject().get("name").getAsString());
            }
            assertTrue(privateStreamOfWeb, status::toString);

            final HttpResponse<String> page = client.send(
                HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(page.body().contains("fetch(\"/api/status\""), page.body());
            assertFalse(page.body().contains("http://") || page.body().contains("https://"),
                "the page fetches nothing from elsewhere");

            final HttpResponse<String> missing = client.send(
                HttpRequest.newBuilder(URI.create(base + "/nothing")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            final HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "/api/status"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }

    /**
     * @return out and in of one kind in the frame's {@code messages/s by stream (out/in):} line.
     */
    private static String[] byStream(final String frame, final String kind)
    {
        for (final String line : frame.split("\n"))
        {
            if (line.startsWith("  messages/s by stream (out/in):"))
            {
                final String[] words = line.trim().split("\\s+");
                for (int i = 0; i < words.length - 1; i++)
                {
                    if (words[i].equals(kind))
                    {
                        return words[i + 1].split("/");
                    }
                }
            }
        }

        throw new AssertionError("no " + kind + " in a messages/s by stream line: " + frame);
    }

    private static JsonObject status(final HttpClient client, final String base, final List<String> seen)
    {
        try
        {
            final HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(base + "/api/status")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response::body);
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            seen.add(response.body());
            if (seen.size() > 3)
            {
                seen.remove(0);
            }
            return JsonParser.parseString(response.body()).getAsJsonObject();
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError("interrupted", ex);
        }
    }

    private static JsonObject onlyCluster(final JsonObject status)
    {
        final JsonArray clusters = status.getAsJsonArray("clusters");
        assertEquals(1, clusters.size(), status::toString);
        return clusters.get(0).getAsJsonObject();
    }

    private static JsonObject node(final JsonObject status, final long id)
    {
        for (final JsonElement node : onlyCluster(status).getAsJsonArray("nodes"))
        {
            if (node.getAsJsonObject().get("id").getAsLong() == id)
            {
                return node.getAsJsonObject();
            }
        }

        throw new AssertionError("no node " + id + " in " + status);
    }

    private static String[] row(final String frame, final long id)
    {
        for (final String line : frame.split("\n"))
        {
            final String[] cells = line.trim().split("\\s+");
            if (cells.length >= 16 && cells[0].equals(Long.toString(id)))
            {
                return cells;
            }
        }

        throw new AssertionError("no row for node " + id + " in\n" + frame);
    }
}
