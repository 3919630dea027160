package io.clustr.cli;

import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status page of {@code clustr web} in a real headless browser (Debian's {@code chromium}): a real cluster
 * ({@link TestCluster}), {@code clustr web} as its own JVM, and chromium loading the page and dumping its DOM after
 * the page's script has fetched {@code /api/status} and rendered it. The server's HTML has no worker in it, so the
 * workers found in the DOM were put there by the script. Runs only with {@code -Pbrowser} (see clustr-cli's pom).
 */
@InterruptAfter(120)
class StatusPageBrowserSystemTest
{
    private static final Pattern SERVING = Pattern.compile("serving (http://127\\.0\\.0\\.1:\\d+/)");

    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private TestCluster cluster;
    private Process web;
    private Path scratch;

    @BeforeEach
    void start() throws IOException
    {
        scratch = Files.createTempDirectory("clustr-browser-test");
        cluster = new TestCluster();
        watcher.watch(cluster.aeronDir);
        cluster.startSending();
    }

    @AfterEach
    void stop() throws IOException
    {
        try
        {
            if (null != web && web.isAlive())
            {
                web.destroyForcibly();
            }
            if (null != cluster)
            {
                cluster.close();
            }
        }
        finally
        {
            try (Stream<Path> paths = Files.walk(scratch))
            {
                paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void pageListsTheWorkersOfTheRunningCluster() throws IOException, InterruptedException
    {
        final String chromium = findChromium();
        final String url = startWeb();

        final HttpClient client = HttpClient.newHttpClient();
        final String served = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        assertFalse(served.contains(Long.toString(cluster.web.pid())), "the server's HTML names no worker");
        assertFalse(served.contains("class=\"node\" data-id"), "the server's HTML has no worker rows");

        final String dom = dumpDom(chromium, url);
        System.out.println(dom); // in failsafe-reports/...-output.txt
        assertTrue(dom.contains("<body data-rendered=\""), () -> "the script rendered /api/status:\n" + dom);
        assertTrue(dom.contains(cluster.aeronDir), dom);
        assertRow(dom, 0, ProcessHandle.current().pid(), "");
        assertRow(dom, cluster.web.id(), cluster.web.pid(), "web");
        assertRow(dom, cluster.cache.id(), cluster.cache.pid(), "cache");
        assertTrue(dom.contains("<td class=\"t state online\">online</td>"), dom);
        assertTrue(dom.contains("<svg class=\"spark\""), dom);
        assertTrue(dom.contains("private TestWorker#" + cluster.web.id()), dom);
        // the messages per second per kind of stream, a row per kind
        assertTrue(dom.contains("<tr class=\"kind\" data-kind=\"private\">"), dom);
        assertTrue(dom.contains("<tr class=\"kind\" data-kind=\"confirmation\">"), dom);
        // the sparkline of the web worker's messages in has points (rates were sampled every 200 ms)
        assertTrue(Pattern.compile("<polyline points=\"[0-9.]+,[0-9.]+ [0-9.]+,[0-9.]+").matcher(dom).find(), dom);

        // Ctrl-C (SIGINT) and SIGTERM run the same shutdown hook: the server stops and the JVM exits
        web.destroy();
        assertTrue(web.waitFor(TestCluster.TIMEOUT.toSeconds(), TimeUnit.SECONDS), "clustr web exits on SIGTERM");
    }

    private String startWeb() throws IOException
    {
        final Path addOpens = Path.of("..", "config", "jvm", "add-opens.args").toAbsolutePath().normalize();
        final Path output = scratch.resolve("web.out");
        web = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "@" + addOpens, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"),
            ClustrCommand.class.getName(), "web", "--port", "0", "--interval", "200", "--dir", cluster.aeronDir)
            .redirectOutput(output.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();

        final String[] url = new String[1];
        Tests.await(() ->
        {
            assertTrue(web.isAlive(), () -> "clustr web exited with " + web.exitValue() + ": " + read(output));
            final Matcher matcher = SERVING.matcher(read(output));
            if (matcher.find())
            {
                url[0] = matcher.group(1);
                return true;
            }
            return false;
        }, TestCluster.TIMEOUT, () -> "clustr web says where it serves: " + read(output));

        return url[0];
    }

    private String dumpDom(final String chromium, final String url) throws IOException, InterruptedException
    {
        final Path dom = scratch.resolve("dom.html");
        final Path log = scratch.resolve("chromium.log");
        final List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--disable-gpu",
            "--no-sandbox", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=" + scratch.resolve("profile"), "--virtual-time-budget=5000", "--dump-dom", url));
        final Process browser = new ProcessBuilder(command)
            .redirectOutput(dom.toFile())
            .redirectError(log.toFile())
            .start();
        try
        {
            if (!browser.waitFor(60, TimeUnit.SECONDS))
            {
                throw new AssertionError("chromium did not finish in 60 s: " + read(log));
            }
            assertEquals(0, browser.exitValue(), () -> "chromium failed: " + read(log));
        }
        finally
        {
            browser.descendants().forEach(ProcessHandle::destroyForcibly);
            browser.destroyForcibly();
        }

        return read(dom);
    }

    private static void assertRow(final String dom, final long id, final long pid, final String group)
    {
        final String row = "<tr class=\"node\" data-id=\"" + id + "\" data-pid=\"" + pid + "\" data-group=\"" +
            group + "\"><td class=\"id\">" + id + "</td>";
        assertTrue(dom.contains(row), () -> "no row " + row + " in\n" + dom);
        assertTrue(dom.contains("<td class=\"pid\">" + pid + "</td>"), dom);
    }

    private static String findChromium()
    {
        for (final String name : List.of("chromium", "chromium-browser"))
        {
            for (final String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator))
            {
                final Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate))
                {
                    return candidate.toString();
                }
            }
        }

        throw new AssertionError("no chromium on the PATH: install it (apt-get install chromium) or run without " +
            "-Pbrowser (.ci/run installs it and skips this profile if it cannot)");
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        }
        catch (final IOException ex)
        {
            return "(cannot read " + file + ": " + ex + ")";
        }
    }
}
