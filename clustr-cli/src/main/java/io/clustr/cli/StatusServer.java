package io.clustr.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.clustr.Channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server of {@code clustr web}: the JDK's {@link HttpServer} serving a status page ({@code /}, one HTML file with
 * its script and styles inline, nothing fetched from elsewhere) and its data ({@code /api/status}, JSON), and a
 * thread that samples the clusters of the host every interval and keeps the rates of the last minutes in ring buffers
 * for the page's sparklines.
 */
final class StatusServer implements AutoCloseable
{
    private static final String PAGE_RESOURCE = "status.html";

    private final List<Path> directories;
    private final long intervalMs;
    private final int historyLength;
    private final byte[] page;
    private final HttpServer server;
    private final ExecutorService httpExecutor;
    private final ScheduledExecutorService sampler;
    private final Map<String, History> histories = new LinkedHashMap<>();
    private Sample previous;
    private Rates latest;
    private String lastProblem;

    /**
     * A ring buffer of the last rates of one figure.
     */
    static final class History
    {
        private final ArrayDeque<Double> values = new ArrayDeque<>();
        private final int capacity;

        History(final int capacity)
        {
            this.capacity = capacity;
        }

        void add(final double value)
        {
            if (values.size() == capacity)
            {
                values.removeFirst();
            }
            values.addLast(value);
        }

        List<Double> values()
        {
            return new ArrayList<>(values);
        }
    }

    private StatusServer(
        final List<Path> directories, final InetSocketAddress address, final long intervalMs, final long historyMs)
    {
        this.directories = List.copyOf(directories);
        this.intervalMs = intervalMs;
        this.historyLength = (int)Math.max(2, historyMs / intervalMs);
        this.page = readPage();
        try
        {
            server = HttpServer.create(address, 0);
        }
        catch (final IOException ex)
        {
            throw new CliException("cannot listen on " + address + ": " + ex.getMessage() +
                " (is the port in use? choose another with --port)");
        }
        httpExecutor = Executors.newFixedThreadPool(2, (r) -> daemon(r, "clustr-web-http"));
        sampler = Executors.newSingleThreadScheduledExecutor((r) -> daemon(r, "clustr-web-sampler"));
        server.setExecutor(httpExecutor);
        server.createContext("/", this::onPage);
        server.createContext("/api/status", this::onStatus);
    }

    /**
     * Start serving and sampling.
     *
     * @param directories driver directories to show, or empty for every one found on the host.
     * @param address     where to listen (port 0: any free port, see {@link #port()}).
     * @param intervalMs  time between samples.
     * @param historyMs   how long the sparklines reach back.
     * @return the running server, to close.
     */
    static StatusServer start(
        final List<Path> directories, final InetSocketAddress address, final long intervalMs, final long historyMs)
    {
        final StatusServer statusServer = new StatusServer(directories, address, intervalMs, historyMs);
        statusServer.sample();
        statusServer.sampler.scheduleAtFixedRate(statusServer::sample, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        statusServer.server.start();

        return statusServer;
    }

    /**
     * @return the port listened on.
     */
    int port()
    {
        return server.getAddress().getPort();
    }

    /**
     * @return the address listened on.
     */
    InetAddress address()
    {
        return server.getAddress().getAddress();
    }

    @Override
    public void close()
    {
        server.stop(0);
        sampler.shutdownNow();
        httpExecutor.shutdownNow();
        try
        {
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void sample()
    {
        try
        {
            final Sample sample = Sample.take(directories);
            synchronized (this)
            {
                final Rates rates = Rates.between(null == previous ? sample : previous, sample,
                    Proc.CLOCK_TICKS_PER_SECOND);
                latest = rates;
                if (null != previous)
                {
                    record(rates);
                }
                previous = sample;
                lastProblem = null;
            }
        }
        catch (final RuntimeException ex)
        {
            synchronized (this)
            {
                lastProblem = String.valueOf(ex);
            }
        }
    }

    private void record(final Rates rates)
    {
        final Set<String> seen = new HashSet<>();
        for (final Rates.ClusterRates cluster : rates.clusters())
        {
            final String dir = cluster.cluster().directory().toString();
            for (final Rates.NodeRates node : cluster.nodes())
            {
                history(seen, nodeKey(dir, node.node(), "in")).add(node.messagesInPerS());
                history(seen, nodeKey(dir, node.node(), "out")).add(node.messagesOutPerS());
            }
            for (final Rates.StreamRates stream : cluster.streams())
            {
                history(seen, dir + " stream " + stream.streamId()).add(stream.bytesPerS());
            }
            for (final Rates.KindRates kind : cluster.kinds())
            {
                history(seen, dir + " kind " + kind.kind() + " in").add(kind.messagesInPerS());
                history(seen, dir + " kind " + kind.kind() + " out").add(kind.messagesOutPerS());
            }
        }
        histories.keySet().retainAll(seen);
    }

    private History history(final Set<String> seen, final String key)
    {
        seen.add(key);
        return histories.computeIfAbsent(key, (k) -> new History(historyLength));
    }

    private static String nodeKey(final String dir, final Sample.Node node, final String figure)
    {
        return dir + " node " + node.id() + "/" + node.pid() + " " + figure;
    }

    /**
     * @return the JSON of {@code /api/status}.
     */
    synchronized String statusJson()
    {
        final Json json = new Json().beginObject()
            .field("timeMs", null == latest ? System.currentTimeMillis() : latest.epochMs())
            .field("intervalMs", intervalMs)
            .field("historyLength", historyLength)
            .field("problem", lastProblem)
            .beginArray("clusters");
        if (null != latest)
        {
            for (final Rates.ClusterRates cluster : latest.clusters())
            {
                clusterJson(json, cluster);
            }
        }

        return json.endArray().endObject().toString();
    }

    private void clusterJson(final Json json, final Rates.ClusterRates rates)
    {
        final Sample.Cluster cluster = rates.cluster();
        final String dir = cluster.directory().toString();
        json.beginObject()
            .field("directory", dir)
            .field("driverPid", cluster.driverPid())
            .field("driverAlive", cluster.driverAlive())
            .field("problem", cluster.problem())
            .beginArray("nodes");
        for (final Rates.NodeRates node : rates.nodes())
        {
            final Sample.Node n = node.node();
            json.beginObject()
                .field("id", n.id())
                .field("name", n.name())
                .field("group", n.group())
                .field("pid", n.pid())
                .field("parentId", n.parentId())
                .field("state", n.state())
                .field("restarts", n.restarts())
                .field("cpus", n.cpus())
                .field("uptimeMs", n.startTimeMs() > 0 ? latest.epochMs() - n.startTimeMs() : -1)
                .field("cpuPercent", node.cpuPercent())
                .field("rssBytes", n.rssBytes())
                .field("messagesIn", n.messagesIn())
                .field("messagesOut", n.messagesOut())
                .field("backPressure", n.backPressure())
                .field("errors", n.errors())
                .field("messagesInPerS", node.messagesInPerS())
                .field("messagesOutPerS", node.messagesOutPerS())
                .field("bytesInPerS", node.bytesInPerS())
                .field("bytesOutPerS", node.bytesOutPerS())
                .field("backPressurePerS", node.backPressurePerS())
                .field("errorsPerS", node.errorsPerS());
            byStream(json, "messagesInPerSByStream", node.messagesInPerSByStream());
            byStream(json, "messagesOutPerSByStream", node.messagesOutPerSByStream());
            values(json, "messagesInHistory", histories.get(nodeKey(dir, n, "in")));
            values(json, "messagesOutHistory", histories.get(nodeKey(dir, n, "out")));
            json.endObject();
        }
        json.endArray().beginArray("streams");
        for (final Rates.StreamRates stream : rates.streams())
        {
            json.beginObject()
                .field("streamId", stream.streamId())
                .field("name", stream.name())
                .field("bytesPerS", stream.bytesPerS());
            values(json, "bytesHistory", histories.get(dir + " stream " + stream.streamId()));
            json.endObject();
        }
        json.endArray().beginArray("streamKinds");
        for (final Rates.KindRates kind : rates.kinds())
        {
            json.beginObject()
                .field("kind", kind.kind())
                .field("messagesInPerS", kind.messagesInPerS())
                .field("messagesOutPerS", kind.messagesOutPerS());
            values(json, "messagesInHistory", histories.get(dir + " kind " + kind.kind() + " in"));
            values(json, "messagesOutHistory", histories.get(dir + " kind " + kind.kind() + " out"));
            json.endObject();
        }
        json.endArray().endObject();
    }

    /**
     * {@code "name": {"public": .., "group": .., "private": .., "confirmation": ..}}.
     */
    private static void byStream(final Json json, final String name, final double[] perKind)
    {
        json.beginObject(name);
        for (final Channel.Kind kind : ClusterView.STREAM_KINDS)
        {
            json.field(kind.name().toLowerCase(Locale.ROOT), perKind[kind.ordinal()]);
        }
        json.endObject();
    }

    private static void values(final Json json, final String name, final History history)
    {
        json.beginArray(name);
        if (null != history)
        {
            for (final double value : history.values())
            {
                json.value(value);
            }
        }
        json.endArray();
    }

    private void onPage(final HttpExchange exchange) throws IOException
    {
        final String path = exchange.getRequestURI().getPath();
        if (!"/".equals(path) && !"/index.html".equals(path))
        {
            send(exchange, 404, "text/plain; charset=utf-8",
                ("no page " + path + " here: the status page is / and its data /api/status\n")
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        send(exchange, 200, "text/html; charset=utf-8", page);
    }

    private void onStatus(final HttpExchange exchange) throws IOException
    {
        send(exchange, 200, "application/json; charset=utf-8", statusJson().getBytes(StandardCharsets.UTF_8));
    }

    private static void send(final HttpExchange exchange, final int status, final String type, final byte[] body)
        throws IOException
    {
        try (exchange)
        {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod()))
            {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            final boolean isHead = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, isHead ? -1 : body.length);
            if (!isHead)
            {
                try (OutputStream out = exchange.getResponseBody())
                {
                    out.write(body);
                }
            }
        }
    }

    private static byte[] readPage()
    {
        try (InputStream in = StatusServer.class.getResourceAsStream(PAGE_RESOURCE))
        {
            if (null == in)
            {
                throw new IllegalStateException("resource " + PAGE_RESOURCE + " missing from clustr-cli's jar");
            }
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static Thread daemon(final Runnable runnable, final String name)
    {
        final Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
