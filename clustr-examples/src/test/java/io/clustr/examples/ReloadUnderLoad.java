package io.clustr.examples;

import io.clustr.Master;
import io.clustr.Options;
import io.clustr.Readiness;
import io.clustr.WorkerHandle;
import io.clustr.examples.cluster.HelloWorker;
import io.clustr.patterns.net.SharedPort;
import io.clustr.spawn.Spec;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.name;
import static io.clustr.spawn.Spec.spec;

/**
 * A master with a group "web" of {@link HelloWorker}s sharing one port, an HTTP load on it from several client
 * threads, and {@code Master.reload("web")} while the load runs: the program {@link ClusterReloadSystemTest} runs
 * (inside a network namespace of its own when it can), and that can be run by hand to measure a setting:
 * <pre>
 * java -cp ... io.clustr.examples.ReloadUnderLoad [reloads [workers]]
 * </pre>
 * The load: {@link #NEW_CONNECTION_CLIENTS} threads each send one request per new connection ({@code Connection:
 * close}), so connections keep arriving in the workers' accept queues, and {@link #KEEP_ALIVE_CLIENTS} threads
 * send request after request on one connection, opening a new one only when a response says
 * {@code Connection: close}. A request fails if the connection cannot be opened, is reset or closed before the whole
 * response, or the response is not {@code 200 hello world}: it is counted and never retried. The program prints
 * what it saw as {@code key=value} lines, ending with {@code RESULT}, and exits 0 unless it could not run.
 */
public final class ReloadUnderLoad
{
    /**
     * Threads sending each request on a new connection.
     */
    static final int NEW_CONNECTION_CLIENTS = 4;

    /**
     * Threads sending requests over a kept-alive connection.
     */
    static final int KEEP_ALIVE_CLIENTS = 2;

    /**
     * Requests answered before the first reload, and again after the last, before the phase ends.
     */
    static final int REQUESTS_PER_QUIET_PHASE = 300;

    private static final int BEFORE = 0;
    private static final int DURING = 1;
    private static final int AFTER = 2;
    private static final int MAX_FAILURES_SHOWN = 20;
    private static final int SO_TIMEOUT_MS = 10_000;
    private static final long PHASE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long RELOAD_TIMEOUT_S = 120;
    private static final byte[] CLOSE_REQUEST =
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE_REQUEST =
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final int port;
    private final AtomicLongArray answered = new AtomicLongArray(3);
    private final AtomicLongArray failed = new AtomicLongArray(3);
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private volatile int phase = BEFORE;
    private volatile boolean isRunning = true;

    private ReloadUnderLoad(final int port)
    {
        this.port = port;
    }

    /**
     * Run the load through the reloads and print the counts.
     *
     * @param args {@code [reloads [workers]]}, 1 and 2 unless given.
     * @throws Exception if the cluster cannot start or a reload fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final int reloads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        final int workerCount = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        final String host = "127.0.0.1";
        final int port = freePort(host);
        final String aeronDir = new File("/dev/shm", "clustr-reload-" + UUID.randomUUID()).getPath();
        print("aeron.dir", aeronDir);
        print("tcp_migrate_req", migrateSetting());

        final long startNs = System.nanoTime();
        final ReloadUnderLoad load = new ReloadUnderLoad(port);
        final List<Thread> clients = new ArrayList<>();
        try (Master master = Master.create(Options.aeronDirectory(aeronDir)))
        {
            master.readiness("web", Readiness.listening());
            final List<Spec> specs = new ArrayList<>();
            for (int i = 0; i < workerCount; i++)
            {
                specs.add(spec(HelloWorker.class.getName(), name("hello"), args(host, Integer.toString(port))));
            }
            final List<Long> pidsBefore = new ArrayList<>();
            for (final WorkerHandle worker : master.spawn(specs))
            {
                master.whenReady(worker, Readiness.listening()).get(RELOAD_TIMEOUT_S, TimeUnit.SECONDS);
                pidsBefore.add(worker.pid());
            }
            print("pids.before", pidsBefore);

            for (int i = 0; i < NEW_CONNECTION_CLIENTS; i++)
            {
                clients.add(load.startClient("new-connection-" + i, false));
            }
            for (int i = 0; i < KEEP_ALIVE_CLIENTS; i++)
            {
                clients.add(load.startClient("keep-alive-" + i, true));
            }

            load.awaitAnswers(BEFORE, REQUESTS_PER_QUIET_PHASE);
            load.phase = DURING;
            List<Long> pidsAfter = new ArrayList<>();
            final long reloadStartNs = System.nanoTime();
            for (int i = 0; i < reloads; i++)
            {
                pidsAfter = new ArrayList<>();
                for (final WorkerHandle worker : master.reload("web").get(RELOAD_TIMEOUT_S, TimeUnit.SECONDS))
                {
                    pidsAfter.add(worker.pid());
                }
            }
            print("reload.ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - reloadStartNs));
            load.phase = AFTER;
            load.awaitAnswers(AFTER, REQUESTS_PER_QUIET_PHASE);
            load.stop(clients);                                 // before the master stops the workers
            print("pids.after", pidsAfter);
        }
        finally
        {
            load.stop(clients);
            Files.deleteIfExists(Path.of(aeronDir));
        }

        final String[] names = { "before", "during", "after" };
        for (int i = 0; i < names.length; i++)
        {
            print("answered." + names[i], load.answered.get(i));
            print("failed." + names[i], load.failed.get(i));
        }
        int shown = 0;
        for (final String failure : load.failures)
        {
            if (shown++ < MAX_FAILURES_SHOWN)
            {
                print("failure", failure);
            }
        }
        print("aeron.dir.left", Files.exists(Path.of(aeronDir)));
        print("total.ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
        System.out.println("RESULT");
        System.out.flush();
    }

    private void stop(final List<Thread> clients) throws InterruptedException
    {
        isRunning = false;
        for (final Thread client : clients)
        {
            client.join(SO_TIMEOUT_MS + TimeUnit.SECONDS.toMillis(5));
        }
    }

    private Thread startClient(final String threadName, final boolean isKeepAlive)
    {
        final Thread thread = new Thread(() ->
        {
            while (isRunning)
            {
                if (isKeepAlive)
                {
                    keepAliveConnection();
                }
                else
                {
                    final int requestPhase = phase;
                    try (Socket socket = connect())
                    {
                        socket.getOutputStream().write(CLOSE_REQUEST);
                        final String response = readAll(socket.getInputStream());
                        check(response, true);
                        answered.incrementAndGet(requestPhase);
                    }
                    catch (final IOException | RuntimeException ex)
                    {
                        fail(requestPhase, "new connection: " + ex);
                    }
                }
            }
        }, threadName);
        thread.start();

        return thread;
    }

    /**
     * Requests over one connection until a response closes it, the load stops or a request fails.
     */
    private void keepAliveConnection()
    {
        int requestPhase = phase;
        int onConnection = 0;
        try (Socket socket = connect())
        {
            final InputStream in = socket.getInputStream();
            final OutputStream out = socket.getOutputStream();
            while (isRunning)
            {
                requestPhase = phase;
                out.write(KEEP_ALIVE_REQUEST);
                final String response = readResponse(in);
                final boolean isClosing = check(response, false);
                answered.incrementAndGet(requestPhase);
                onConnection++;
                if (isClosing)
                {
                    return;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            fail(requestPhase, "keep-alive, request " + (onConnection + 1) + " on its connection: " + ex);
        }
    }

    private Socket connect() throws IOException
    {
        final Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(SO_TIMEOUT_MS);
        return socket;
    }

    private void fail(final int requestPhase, final String why)
    {
        failed.incrementAndGet(requestPhase);
        failures.add("phase " + requestPhase + ": " + why);
    }

    private void awaitAnswers(final int awaitedPhase, final long count) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + PHASE_TIMEOUT_NS;
        while (answered.get(awaitedPhase) < count)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("only " + answered.get(awaitedPhase) + " of " + count +
                    " requests answered in phase " + awaitedPhase + "; failures: " + failures);
            }
            Thread.sleep(10);
        }
    }

    /**
     * @return true if the response says the connection closes after it.
     */
    private static boolean check(final String response, final boolean isClosingExpected)
    {
        if (!response.startsWith("HTTP/1.1 200 OK\r\n") || !response.endsWith("\r\n\r\nhello world\n") ||
            !response.contains("\r\nX-Clustr-Worker: "))
        {
            throw new IllegalStateException("unexpected response: '" + response + "'");
        }
        final boolean isClosing = response.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n");
        if (isClosingExpected && !isClosing)
        {
            throw new IllegalStateException("no Connection: close in the answer to one: '" + response + "'");
        }
        return isClosing;
    }

    private static String readAll(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * One response with a {@code Content-Length} body, read byte by byte up to the end of its head.
     */
    private static String readResponse(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4)
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IOException("connection closed after " + head.size() + " bytes of a response head");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : ('\r' == b ? 1 : 0);
        }
        final String headText = head.toString(StandardCharsets.ISO_8859_1);
        final int lengthAt = headText.toLowerCase(Locale.ROOT).indexOf("\r\ncontent-length: ");
        if (lengthAt < 0)
        {
            throw new IOException("no Content-Length in '" + headText + "'");
        }
        final int lengthEnd = headText.indexOf("\r\n", lengthAt + 2);
        final int length = Integer.parseInt(headText.substring(lengthAt + "\r\ncontent-length: ".length(), lengthEnd));
        final byte[] body = in.readNBytes(length);
        if (body.length < length)
        {
            throw new IOException("connection closed after " + body.length + " of " + length + " body bytes");
        }

        return headText + new String(body, StandardCharsets.ISO_8859_1);
    }

    private static String migrateSetting()
    {
        try
        {
            return Files.readString(Path.of("/proc/sys/net/ipv4/tcp_migrate_req")).trim();
        }
        catch (final IOException ex)
        {
            return "unknown";
        }
    }

    private static int freePort(final String host) throws IOException
    {
        try (ServerSocketChannel probe = SharedPort.open(new InetSocketAddress(host, 0)))
        {
            return ((InetSocketAddress)probe.getLocalAddress()).getPort();
        }
    }

    private static void print(final String key, final Object value)
    {
        System.out.println(key + "=" + value);
    }
}
