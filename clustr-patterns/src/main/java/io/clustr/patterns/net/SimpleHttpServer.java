package io.clustr.patterns.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP/1.1 server on one event-loop thread, over a {@link SharedPort} socket, so that every worker of a
 * cluster can serve the same port: Node's {@code http.createServer(handler).listen(port)} in a cluster worker.
 * <p>
 * The JDK's {@code com.sun.net.httpserver.HttpServer} binds its socket itself and offers no way to set
 * {@code SO_REUSEPORT} before the bind, so it cannot share a port; this server is the small part of it that an
 * application worker needs: requests with a {@code Content-Length} body (up to {@link #MAX_BODY_LENGTH}),
 * keep-alive and pipelining in order, HTTP/1.0 and 1.1. It does not do chunked request bodies (501), TLS, or
 * {@code Expect: 100-continue}.
 * <p>
 * The handler runs on the server's thread, one request at a time, as a Node request handler runs on its event
 * loop: return quickly. It fills in the {@link Response} it is given; a handler that throws answers 500 with the
 * exception's class, and the server goes on. The thread is not a daemon: like a listening Node server, it keeps
 * the JVM alive until {@link #close()}.
 * <p>
 * To stop without failing a request, as a worker replaced by a rolling restart must, call
 * {@link #closeGracefully(Duration)} (Node's {@code server.close()}): it takes every connection already in the
 * socket's accept queue, closes the listening socket, answers the requests that are queued or in flight with
 * {@code Connection: close}, closes kept-alive connections that stay idle, and stops once every connection is
 * closed, or at the drain timeout. On a port shared with {@link SharedPort}, the connections the kernel queues on the
 * socket between that last accept and the close are reset, unless the kernel migrates them to another worker's
 * socket: see {@link SharedPort#isMigratingQueuedConnections()}.
 */
public final class SimpleHttpServer implements AutoCloseable
{
    /**
     * The largest request head (request line and headers): larger ones are answered 431.
     */
    public static final int MAX_HEAD_LENGTH = 16 * 1024;

    /**
     * The largest request body: larger ones are answered 413.
     */
    public static final int MAX_BODY_LENGTH = 1024 * 1024;

    /**
     * How long {@link #closeGracefully()} lets connections finish: well inside the 5 s a clustr worker is given to
     * exit after a kill ({@code clustr.kill.grace}).
     */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(2);

    /**
     * While draining, a kept-alive connection that has answered a request and then received nothing for this long
     * is closed; a client that sends on it at that moment sees the connection closed, as with any HTTP server closing
     * an idle connection. A connection that has not yet sent its first request is left open until the drain timeout.
     */
    public static final Duration DRAIN_IDLE_TIMEOUT = Duration.ofMillis(500);

    private static final int READ_BUFFER_LENGTH = 4096;
    private static final long DRAIN_POLL_MS = 20;
    private static final int MAX_LINGER_LENGTH = 64 * 1024;
    private static final long CLOSE_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(5);
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};

    private final ServerSocketChannel serverChannel;
    private final Selector selector;
    private final Handler handler;
    private final InetSocketAddress address;
    private final Thread thread;
    private final AtomicLong requests = new AtomicLong();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_LENGTH);
    private volatile boolean isRunning = true;
    private volatile long drainTimeoutNs = -1;
    private long drainStartNs;
    private long drainDeadlineNs;
    private boolean isDraining;

    private SimpleHttpServer(final ServerSocketChannel serverChannel, final Handler handler) throws IOException
    {
        this.serverChannel = serverChannel;
        this.handler = handler;
        this.address = (InetSocketAddress)serverChannel.getLocalAddress();
        this.selector = Selector.open();
        try
        {
            serverChannel.configureBlocking(false);
            serverChannel.register(selector, SelectionKey.OP_ACCEPT);
        }
        catch (final IOException | RuntimeException ex)
        {
            selector.close();
            throw ex;
        }
        this.thread = new Thread(this::run, "clustr-http-" + address.getPort());
    }

    /**
     * Listen on a shared address ({@link SharedPort#open(InetSocketAddress)}) and serve it.
     *
     * @param address the address and port, shared with every other process that opens it this way.
     * @param handler answers each request, on the server's thread.
     * @return the running server.
     * @throws IOException if the socket cannot be opened or bound.
     */
    public static SimpleHttpServer start(final InetSocketAddress address, final Handler handler) throws IOException
    {
        Objects.requireNonNull(handler, "handler must not be null");
        return start(SharedPort.open(address), handler);
    }

    /**
     * Serve a bound server socket channel (for instance one opened with {@link SharedPort}); the server owns it from
     * now on and closes it.
     *
     * @param channel a bound server socket channel.
     * @param handler answers each request, on the server's thread.
     * @return the running server.
     * @throws IOException if the channel cannot be registered with a selector.
     */
    public static SimpleHttpServer start(final ServerSocketChannel channel, final Handler handler) throws IOException
    {
        Objects.requireNonNull(channel, "channel must not be null");
        Objects.requireNonNull(handler, "handler must not be null");
        if (null == channel.getLocalAddress())
        {
            throw new IllegalArgumentException("the channel is not bound: bind it first, or use SharedPort.open");
        }

        final SimpleHttpServer server;
        try
        {
            server = new SimpleHttpServer(channel, handler);
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            throw ex;
        }
        server.thread.start();

        return server;
    }

    /**
     * The address the server is bound to: give it to {@code Node.announceListening}.
     *
     * @return the bound address and port.
     */
    public InetSocketAddress address()
    {
        return address;
    }

    /**
     * The number of requests answered so far (counted before the handler runs).
     *
     * @return the number of requests.
     */
    public long requests()
    {
        return requests.get();
    }

    /**
     * Stop listening, close every connection and stop the thread (waits up to 5 s for a handler still running).
     * Requests queued or in flight are not answered: use {@link #closeGracefully(Duration)} for that. Idempotent;
     * from the handler itself it returns at once and the thread stops after the handler.
     */
    @Override
    public void close()
    {
        isRunning = false;
        selector.wakeup();
        awaitThread(CLOSE_TIMEOUT_MS);
    }

    /**
     * {@link #closeGracefully(Duration)} with {@link #DEFAULT_DRAIN_TIMEOUT}.
     */
    public void closeGracefully()
    {
        closeGracefully(DEFAULT_DRAIN_TIMEOUT);
    }

    /**
     * Stop listening without failing a request, then stop: accept every connection already queued on the listening
     * socket and close it, so new connections go to the other sockets sharing the port; answer every request queued
     * or in flight, each with {@code Connection: close}; close kept-alive connections idle for
     * {@link #DRAIN_IDLE_TIMEOUT}; stop when no connection is left open, or when the drain timeout has passed
     * (closing what is left, as {@link #close()} does). Waits for that, plus up to 5 s for a handler still running.
     * Idempotent, and {@link #close()} during the drain cuts it short; from the handler itself it returns at once.
     *
     * @param drainTimeout how long connections may take to finish, more than zero; a worker that drains in its kill
     *                     hook must finish well inside its kill grace ({@code clustr.kill.grace}, 5 s).
     */
    public void closeGracefully(final Duration drainTimeout)
    {
        Objects.requireNonNull(drainTimeout, "drainTimeout must not be null, e.g. DEFAULT_DRAIN_TIMEOUT");
        if (drainTimeout.isZero() || drainTimeout.isNegative())
        {
            throw new IllegalArgumentException("drain timeout must be more than zero, was " + drainTimeout +
                " (close() stops at once)");
        }
        if (drainTimeoutNs < 0)
        {
            drainTimeoutNs = drainTimeout.toNanos();
        }
        selector.wakeup();
        awaitThread(drainTimeout.toMillis() + CLOSE_TIMEOUT_MS);
    }

    private void awaitThread(final long timeoutMs)
    {
        if (Thread.currentThread() != thread)
        {
            try
            {
                thread.join(timeoutMs);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run()
    {
        try
        {
            while (isRunning)
            {
                if (!isDraining && drainTimeoutNs >= 0)
                {
                    beginDrain();
                }
                if (isDraining)
                {
                    if (closeIdleAndCountOpen(System.nanoTime()) == 0)
                    {
                        break;
                    }
                    selector.select(DRAIN_POLL_MS);
                }
                else
                {
                    selector.select();
                }
                final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext())
                {
                    final SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid())
                    {
                        continue;
                    }

                    if (key.isAcceptable())
                    {
                        accept();
                    }
                    else
                    {
                        final Connection connection = (Connection)key.attachment();
                        try
                        {
                            connection.onReady(key);
                        }
                        catch (final IOException ex)
                        {
                            connection.close();
                        }
                    }
                }
            }
        }
        catch (final IOException | ClosedSelectorException ex)
        {
            if (isRunning)
            {
                System.err.println("clustr-http: server on " + address + " stopped: " + ex);
            }
        }
        finally
        {
            for (final SelectionKey key : selector.keys())
            {
                closeQuietly(key.channel());
            }
            closeQuietly(selector);
            closeQuietly(serverChannel);
        }
    }

    /**
     * Take what is queued on the listening socket, then close it: from now on the kernel gives new connections to
     * the other sockets on the port.
     */
    private void beginDrain() throws IOException
    {
        isDraining = true;
        drainStartNs = System.nanoTime();
        drainDeadlineNs = drainStartNs + drainTimeoutNs;
        accept();
        final SelectionKey serverKey = serverChannel.keyFor(selector);
        if (null != serverKey)
        {
            serverKey.cancel();
        }
        serverChannel.close();
    }

    /**
     * Draining: close the connections idle too long, or all of them at the deadline.
     *
     * @return how many connections are still open.
     */
    private int closeIdleAndCountOpen(final long nowNs)
    {
        final boolean isPastDeadline = nowNs - drainDeadlineNs >= 0;
        final long idleNs = DRAIN_IDLE_TIMEOUT.toNanos();
        int open = 0;
        for (final SelectionKey key : selector.keys())
        {
            if (!key.isValid() || !(key.attachment() instanceof Connection connection))
            {
                continue;
            }
            if (isPastDeadline ||
                (connection.isIdle() && nowNs - Math.max(connection.lastReadNs, drainStartNs) >= idleNs))
            {
                connection.close();
            }
            else if (connection.channel.isOpen())
            {
                open++;
            }
        }

        return open;
    }

    private void accept() throws IOException
    {
        SocketChannel channel;
        while (null != (channel = serverChannel.accept()))
        {
            channel.configureBlocking(false);
            final Connection connection = new Connection(channel);
            channel.register(selector, SelectionKey.OP_READ, connection);
        }
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        try
        {
            closeable.close();
        }
        catch (final Exception ignore)
        {
            // closing: nothing left to do with it
        }
    }

    /**
     * Answers one request, on the server's thread.
     */
    @FunctionalInterface
    public interface Handler
    {
        /**
         * Answer a request by filling in the response (status 200 and an empty body unless changed).
         *
         * @param request  the request; valid during the call only.
         * @param response the response to fill in; written once the call returns.
         * @throws Exception answered with 500 and the exception's class.
         */
        void handle(Request request, Response response) throws Exception;
    }

    /**
     * An HTTP request: the request line, the headers and the body.
     */
    public static final class Request
    {
        private final String method;
        private final String target;
        private final String version;
        private final Map<String, String> headers;
        private final byte[] body;

        Request(
            final String method,
            final String target,
            final String version,
            final Map<String, String> headers,
            final byte[] body)
        {
            this.method = method;
            this.target = target;
            this.version = version;
            this.headers = headers;
            this.body = body;
        }

        /**
         * @return the method, e.g. {@code GET}.
         */
        public String method()
        {
            return method;
        }

        /**
         * @return the request target as sent, e.g. {@code /index.html?x=1}.
         */
        public String target()
        {
            return target;
        }

        /**
         * @return the protocol version, {@code HTTP/1.1} or {@code HTTP/1.0}.
         */
        public String version()
        {
            return version;
        }

        /**
         * A header's value (the last one if it was sent more than once).
         *
         * @param name the header's name, in any case.
         * @return the value without surrounding blanks, or null if the request has no such header.
         */
        public String header(final String name)
        {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /**
         * @return the headers by lower-case name, unmodifiable.
         */
        public Map<String, String> headers()
        {
            return Collections.unmodifiableMap(headers);
        }

        /**
         * @return the body, empty when none was sent.
         */
        public byte[] body()
        {
            return body;
        }
    }

    /**
     * The response a handler fills in: status, headers and body. {@code Content-Length} (and {@code Connection:
     * close} when the connection closes after it) are added by the server.
     */
    public static final class Response
    {
        private static final byte[] EMPTY = new byte[0];

        private int status = 200;
        private final List<String> headers = new ArrayList<>();
        private byte[] body = EMPTY;

        Response()
        {
        }

        /**
         * @param status the status code, 100 to 599; 200 unless set.
         * @return this response.
         */
        public Response status(final int status)
        {
            if (status < 100 || status > 599)
            {
                throw new IllegalArgumentException("status " + status + " is not an HTTP status (100 to 599)");
            }
            this.status = status;
            return this;
        }

        /**
         * Add a header.
         *
         * @param name  the name, e.g. {@code Content-Type}; not {@code Content-Length}, which the server sets.
         * @param value the value.
         * @return this response.
         */
        public Response header(final String name, final String value)
        {
            checkToken(name);
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0)
            {
                throw new IllegalArgumentException("header " + name + " has a line break in its value");
            }
            if ("content-length".equalsIgnoreCase(name) || "transfer-encoding".equalsIgnoreCase(name))
            {
                throw new IllegalArgumentException(name + " is set by the server from the body");
            }
            headers.add(name + ": " + value);
            return this;
        }

        /**
         * Set the body.
         *
         * @param body the bytes of the body.
         * @return this response.
         */
        public Response body(final byte[] body)
        {
            this.body = Objects.requireNonNull(body, "body must not be null: use new byte[0]");
            return this;
        }

        /**
         * Set a text body, UTF-8, with {@code Content-Type: text/plain; charset=utf-8}.
         *
         * @param text the text.
         * @return this response.
         */
        public Response text(final String text)
        {
            header("Content-Type", "text/plain; charset=utf-8");
            return body(text.getBytes(StandardCharsets.UTF_8));
        }

        private static void checkToken(final String name)
        {
            if (null == name || name.isEmpty())
            {
                throw new IllegalArgumentException("header name must not be empty");
            }
            for (int i = 0; i < name.length(); i++)
            {
                final char c = name.charAt(i);
                if (c <= ' ' || c >= 127 || ':' == c)
                {
                    throw new IllegalArgumentException("header name '" + name + "' has a character not allowed " +
                        "in a header name at " + i);
                }
            }
        }

        byte[] encode(final boolean isHead, final boolean isClosing)
        {
            final StringBuilder head = new StringBuilder(128);
            head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
            for (final String header : headers)
            {
                head.append(header).append("\r\n");
            }
            head.append("Content-Length: ").append(body.length).append("\r\n");
            if (isClosing)
            {
                head.append("Connection: close\r\n");
            }
            head.append("\r\n");

            final byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
            if (isHead || 0 == body.length)
            {
                return headBytes;
            }

            final byte[] bytes = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, bytes, 0, headBytes.length);
            System.arraycopy(body, 0, bytes, headBytes.length, body.length);
            return bytes;
        }

        private static String reason(final int status)
        {
            switch (status)
            {
                case 200: return "OK";
                case 204: return "No Content";
                case 400: return "Bad Request";
                case 404: return "Not Found";
                case 413: return "Content Too Large";
                case 431: return "Request Header Fields Too Large";
                case 500: return "Internal Server Error";
                case 501: return "Not Implemented";
                case 503: return "Service Unavailable";
                default: return "Status";
            }
        }
    }

    /**
     * One client connection: what has been read and not yet parsed, and what is still to write.
     */
    private final class Connection
    {
        private final SocketChannel channel;
        private final ArrayDeque<ByteBuffer> pendingWrites = new ArrayDeque<>();
        private byte[] in = new byte[READ_BUFFER_LENGTH];
        private int inLength;
        private boolean isClosingAfterWrites;
        private boolean isLingering;
        private int lingered;
        private long answered;
        private long lastReadNs = System.nanoTime();

        Connection(final SocketChannel channel)
        {
            this.channel = channel;
        }

        void onReady(final SelectionKey key) throws IOException
        {
            if (key.isValid() && key.isWritable())
            {
                write();
            }
            if (key.isValid() && key.isReadable())
            {
                if (isLingering)
                {
                    linger();
                }
                else if (!isClosingAfterWrites)
                {
                    read();
                }
            }
            if (!channel.isOpen())
            {
                return;
            }

            if (pendingWrites.isEmpty())
            {
                if (isClosingAfterWrites && !isLingering)
                {
                    // A lingering close: send FIN, then read until the client closes, so that a request it is still
                    // sending does not make the kernel reset the connection before the client reads the answer.
                    isLingering = true;
                    channel.shutdownOutput();
                }
                key.interestOps(SelectionKey.OP_READ);
            }
            else
            {
                // back-pressured by the client: stop reading (no more requests queue up) until it drains
                key.interestOps(SelectionKey.OP_WRITE);
            }
        }

        private void linger() throws IOException
        {
            readBuffer.clear();
            final int read = channel.read(readBuffer);
            if (read < 0 || (lingered += read) > MAX_LINGER_LENGTH)
            {
                close();
            }
        }

        /**
         * @return true if the connection has answered a request and is waiting for the next, with nothing of it read.
         */
        boolean isIdle()
        {
            return answered > 0 && 0 == inLength && pendingWrites.isEmpty() && !isClosingAfterWrites;
        }

        private void read() throws IOException
        {
            readBuffer.clear();
            final int read = channel.read(readBuffer);
            lastReadNs = System.nanoTime();
            if (read < 0)
            {
                // the client has sent all it will: answer what it asked for, then close
                isClosingAfterWrites = true;
                return;
            }
            readBuffer.flip();
            ensureCapacity(inLength + read);
            readBuffer.get(in, inLength, read);
            inLength += read;

            while (!isClosingAfterWrites && parseOne())
            {
                // answered a request; the next may already be buffered (pipelining)
            }
            write();
        }

        /**
         * @return true if a request was answered and the connection stays open.
         */
        private boolean parseOne()
        {
            final int headEnd = indexOf(in, Math.min(inLength, MAX_HEAD_LENGTH + HEAD_END.length), HEAD_END);
            if (headEnd < 0)
            {
                if (inLength > MAX_HEAD_LENGTH)
                {
                    reject(431, "request head longer than " + MAX_HEAD_LENGTH + " bytes");
                }
                return false;
            }

            final String[] lines = new String(in, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n", -1);
            final String[] requestLine = lines[0].split(" ", -1);
            if (3 != requestLine.length || requestLine[0].isEmpty() || requestLine[1].isEmpty() ||
                !requestLine[2].startsWith("HTTP/1."))
            {
                reject(400, "bad request line");
                return false;
            }

            final Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++)
            {
                final int colon = lines[i].indexOf(':');
                if (colon <= 0)
                {
                    reject(400, "bad header line");
                    return false;
                }
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
            }

            if (headers.containsKey("transfer-encoding"))
            {
                reject(501, "chunked request bodies are not supported: send a Content-Length");
                return false;
            }

            final int bodyLength;
            try
            {
                final String contentLength = headers.get("content-length");
                bodyLength = null == contentLength ? 0 : Integer.parseInt(contentLength);
            }
            catch (final NumberFormatException ex)
            {
                reject(400, "bad Content-Length");
                return false;
            }
            if (bodyLength < 0)
            {
                reject(400, "bad Content-Length");
                return false;
            }
            if (bodyLength > MAX_BODY_LENGTH)
            {
                reject(413, "request body longer than " + MAX_BODY_LENGTH + " bytes");
                return false;
            }

            final int bodyStart = headEnd + HEAD_END.length;
            if (inLength - bodyStart < bodyLength)
            {
                ensureCapacity(bodyStart + bodyLength);
                return false;
            }

            final byte[] body = new byte[bodyLength];
            System.arraycopy(in, bodyStart, body, 0, bodyLength);
            final int consumed = bodyStart + bodyLength;
            System.arraycopy(in, consumed, in, 0, inLength - consumed);
            inLength -= consumed;

            final String version = requestLine[2];
            final String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
            final boolean isKeepAlive = !isDraining && ("HTTP/1.0".equals(version) ?
                connection.contains("keep-alive") : !connection.contains("close"));

            final Request request = new Request(requestLine[0], requestLine[1], version, headers, body);
            final Response response = new Response();
            requests.incrementAndGet();
            try
            {
                handler.handle(request, response);
            }
            catch (final Exception ex)
            {
                response.headers.clear();
                response.status(500).text("internal server error: " + ex.getClass().getName() + "\n");
            }

            respond(response.encode("HEAD".equals(request.method()), !isKeepAlive));
            isClosingAfterWrites = !isKeepAlive;
            answered++;

            return isKeepAlive;
        }

        private void reject(final int status, final String why)
        {
            respond(new Response().status(status).text(why + "\n").encode(false, true));
            isClosingAfterWrites = true;
        }

        private void respond(final byte[] bytes)
        {
            pendingWrites.addLast(ByteBuffer.wrap(bytes));
        }

        private void write() throws IOException
        {
            ByteBuffer buffer;
            while (null != (buffer = pendingWrites.peekFirst()))
            {
                channel.write(buffer);
                if (buffer.hasRemaining())
                {
                    return;
                }
                pendingWrites.pollFirst();
            }
        }

        private void ensureCapacity(final int capacity)
        {
            if (capacity > in.length)
            {
                final byte[] bigger = new byte[Math.max(capacity, in.length * 2)];
                System.arraycopy(in, 0, bigger, 0, inLength);
                in = bigger;
            }
        }

        void close()
        {
            closeQuietly(channel);
        }
    }

    private static int indexOf(final byte[] bytes, final int length, final byte[] pattern)
    {
        outer:
        for (int i = 0, last = length - pattern.length; i <= last; i++)
        {
            for (int j = 0; j < pattern.length; j++)
            {
                if (bytes[i + j] != pattern[j])
                {
                    continue outer;
                }
            }
            return i;
        }

        return -1;
    }
}
