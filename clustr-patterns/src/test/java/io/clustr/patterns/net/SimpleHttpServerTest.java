package io.clustr.patterns.net;

import io.clustr.test.InterruptAfter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@InterruptAfter(30)
class SimpleHttpServerTest
{
    private SimpleHttpServer server;
    private SimpleHttpServer other;

    @AfterEach
    void stop()
    {
        if (null != server)
        {
            server.close();
        }
        if (null != other)
        {
            other.close();
        }
    }

    @Test
    void shouldAnswerAndCloseWhenAsked() throws IOException
    {
        server = SimpleHttpServer.start(new InetSocketAddress("127.0.0.1", 0),
            (request, response) -> response.header("X-Target", request.target()).text("hello world\n"));

        try (Socket socket = connect(server))
        {
            send(socket, "GET /a?b=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            final Reply reply = Reply.read(socket.getInputStream());
            assertEquals(200, reply.status);
            assertEquals("/a?b=1", reply.header("x-target"));
            assertEquals("close", reply.header("connection"));
            assertEquals("text/plain; charset=utf-8", reply.header("content-type"));
            assertEquals("hello world\n", reply.body);
            assertEquals(-1, socket.getInputStream().read(), "closed after the response");
        }
        assertEquals(1, server.requests());
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrderOnAKeptAliveConnection() throws IOException
    {
        server = SimpleHttpServer.start(new InetSocketAddress("127.0.0.1", 0),
            (request, response) -> response.text(request.method() + " " + request.target() + " " +
                new String(request.body(), StandardCharsets.UTF_8)));

        try (Socket socket = connect(server))
        {
            send(socket, "GET /1 HTTP/1.1\r\n\r\nPOST /2 HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello" +
                "HEAD /3 HTTP/1.1\r\n\r\n");
            assertEquals("GET /1 ", Reply.read(socket.getInputStream()).body);
            assertEquals("POST /2 hello", Reply.read(socket.getInputStream()).body);
            final Reply head = Reply.read(socket.getInputStream(), true);
            assertEquals("8", head.header("content-length"), "HEAD: the length of the body it would get");
            assertEquals("", head.body);

            // a body split over two writes
            send(socket, "PUT /4 HTTP/1.1\r\nContent-Length: 6\r\n\r\nab");
            send(socket, "cdef");
            assertEquals("PUT /4 abcdef", Reply.read(socket.getInputStream()).body);
        }
        assertEquals(4, server.requests());
    }

    @Test
    void shouldCloseAnHttp10ConnectionUnlessKeptAlive() throws IOException
    {
        server = SimpleHttpServer.start(new InetSocketAddress("127.0.0.1", 0),
            (request, response) -> response.text(request.version()));

        try (Socket socket = connect(server))
        {
            send(socket, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n");
            assertEquals("HTTP/1.0", Reply.read(socket.getInputStream()).body);
            final Reply last = Reply.read(socket.getInputStream());
            assertEquals("close", last.header("connection"));
            assertEquals(-1, socket.getInputStream().read());
        }
    }

    @Test
    void shouldAnswer500WhenTheHandlerThrowsAndKeepServing() throws IOException
    {
        server = SimpleHttpServer.start(new InetSocketAddress("127.0.0.1", 0), (request, response) ->
        {
            if (request.target().equals("/throw"))
            {
                throw new IllegalStateException("on purpose");
            }
            response.header("X-Ignored", "x").text("fine");
        });

        try (Socket socket = connect(server))
        {
            send(socket, "GET /throw HTTP/1.1\r\n\r\nGET /ok HTTP/1.1\r\n\r\n");
            final Reply failed = Reply.read(socket.getInputStream());
            assertEquals(500, failed.status);
            assertTrue(failed.body.contains("java.lang.IllegalStateException"), failed.body);
            assertEquals("fine", Reply.read(socket.getInputStream()).body);
        }
    }

    @Test
    void shouldRejectBadRequestsWithAStatusAndClose() throws IOException
    {
        server = SimpleHttpServer.start(new InetSocketAddress("127.0.0.1", 0),
            (request, response) -> response.text("unexpected"));

        assertRejected("NONSENSE\r\n\r\n", 400);
        assertRejected("GET / HTTP/1.1\r\nno colon here\r\n\r\n", 400);
        assertRejected("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400);
        assertRejected("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501);
        assertRejected("POST / HTTP/1.1\r\nContent-Length: " + (SimpleHttpServer.MAX_BODY_LENGTH + 1) + "\r\n\r\n",
            413);
        assertRejected("GET / HTTP/1.1\r\nX-Long: " + "x".repeat(SimpleHttpServer.MAX_HEAD_LENGTH) + "\r\n\r\n", 431);
        assertEquals(0, server.requests());
    }

    @Test
    void shouldRejectBadResponseHeaders()
    {
        final SimpleHttpServer.Response response = new SimpleHttpServer.Response();
        assertThrows(IllegalArgumentException.class, () -> response.header("Content-Length", "3"));
        assertThrows(IllegalArgumentException.class, () -> response.header("Bad Name", "x"));
        assertThrows(IllegalArgumentException.class, () -> response.header("X-Split", "a\r\nX-Injected: b"));
        assertThrows(IllegalArgumentException.class, () -> response.status(99));
    }

    @Test
    void shouldShareOnePortBetweenTwoServersAndSpreadNewConnections() throws IOException
    {
        server = SimpleHttpServer.start(new InetSocketAddress("127.0.0.1", 0),
            (request, response) -> response.header("X-Server", "1"));
        other = SimpleHttpServer.start(server.address(), (request, response) -> response.header("X-Server", "2"));
        assertEquals(server.address(), other.address());

        final Set<String> answeredBy = new HashSet<>();
        for (int i = 0; i < 200; i++)
        {
            try (Socket socket = connect(server))
            {
                send(socket, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
                answeredBy.add(Reply.read(socket.getInputStream()).header("x-server"));
            }
        }

        // The kernel hashes each connection's ports: 200 connections all landing on one of two sockets would be a
        // chance of 2^-199, so both answering shows the port is shared, not taken over.
        assertEquals(Set.of("1", "2"), answeredBy);
        assertEquals(200, server.requests() + other.requests());
    }

    @Test
    void shouldStopServingOnClose() throws IOException
    {
        server = SimpleHttpServer.start(new InetSocketAddress("127.0.0.1", 0), (request, response) -> { });
        final InetSocketAddress address = server.address();
        server.close();
        server.close();

        assertThrows(IOException.class, () -> new Socket(address.getAddress(), address.getPort()).close());
    }

    private void assertRejected(final String request, final int status) throws IOException
    {
        try (Socket socket = connect(server))
        {
            send(socket, request);
            final Reply reply = Reply.read(socket.getInputStream());
            assertEquals(status, reply.status, reply.body);
            assertEquals("close", reply.header("connection"));
            assertEquals(-1, socket.getInputStream().read(), "closed after the rejection");
        }
    }

    private static Socket connect(final SimpleHttpServer server) throws IOException
    {
        final Socket socket = new Socket(server.address().getAddress(), server.address().getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(final Socket socket, final String request) throws IOException
    {
        final OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * One response read from a stream: the status, the headers by lower-case name, the body by Content-Length.
     */
    static final class Reply
    {
        final int status;
        final java.util.Map<String, String> headers = new java.util.HashMap<>();
        final String body;

        private Reply(final String head, final String body)
        {
            final String[] lines = head.split("\r\n");
            this.status = Integer.parseInt(lines[0].split(" ")[1]);
            for (int i = 1; i < lines.length; i++)
            {
                final int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
            }
            this.body = body;
        }

        String header(final String name)
        {
            return headers.get(name);
        }

        static Reply read(final InputStream in) throws IOException
        {
            return read(in, false);
        }

        static Reply read(final InputStream in, final boolean isHead) throws IOException
        {
            final ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4)
            {
                final int b = in.read();
                assertFalse(b < 0, "the connection closed inside a response head: " + head);
                head.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            final String headText = head.toString(StandardCharsets.ISO_8859_1);
            final Reply headOnly = new Reply(headText.trim(), "");
            final int length = isHead ? 0 : Integer.parseInt(headOnly.header("content-length"));
            final byte[] body = in.readNBytes(length);
            assertEquals(length, body.length, "a whole body");

            return new Reply(headText.trim(), new String(body, StandardCharsets.UTF_8));
        }
    }
}
