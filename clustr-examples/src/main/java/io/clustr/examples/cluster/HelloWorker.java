package io.clustr.examples.cluster;

import io.clustr.Channel;
import io.clustr.Worker;
import io.clustr.patterns.net.SimpleHttpServer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static io.clustr.Options.group;

/**
 * An HTTP worker: listens on the port it shares with the other workers, answers every request with
 * {@code hello world} (and its worker id in {@code X-Clustr-Worker}), and tells the master of each request.
 * Node's:
 * <pre>{@code
 * http.createServer((req, res) => {
 *   res.writeHead(200);
 *   res.end('hello world\n');
 *   process.send({ cmd: 'notifyRequest' });
 * }).listen(8000);
 * }</pre>
 */
public final class HelloWorker
{
    /**
     * The message a worker sends the master for each request it answers.
     */
    static final String NOTIFY_REQUEST = "notifyRequest";

    /**
     * The response header naming the worker that answered.
     */
    static final String WORKER_HEADER = "X-Clustr-Worker";

    private HelloWorker()
    {
    }

    /**
     * Join group "web", listen on the shared port and announce it.
     *
     * @param args the IP address and the port to listen on.
     * @throws IOException if the port cannot be shared.
     */
    public static void main(final String[] args) throws IOException
    {
        final InetSocketAddress address = new InetSocketAddress(args[0], Integer.parseInt(args[1]));

        // tag::worker[]
        final Worker worker = Worker.create(group("web"));
        final Channel master = Channel.worker(0);
        final UnsafeBuffer notifyRequest = new UnsafeBuffer(NOTIFY_REQUEST.getBytes(StandardCharsets.US_ASCII));
        final String id = Long.toString(worker.id());

        final SimpleHttpServer server = SimpleHttpServer.start(address, (request, response) ->
        {
            worker.publish(master, notifyRequest, 0, notifyRequest.capacity());     // before answering: see the test
            response.header(WORKER_HEADER, id).text("hello world\n");
        });
        worker.onKill((code) -> server.closeGracefully());     // a reload fails no request: see closeGracefully
        worker.announceListening(server.address());                                 // the master's onListening
        // end::worker[]
    }
}
