package io.clustr.bench.nats;

import io.clustr.bench.Args;
import io.clustr.bench.calls.CallClient;
import io.clustr.bench.calls.CallFunction;
import io.clustr.bench.calls.CallFunctions;
import io.clustr.bench.calls.CallTransport;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Calls over NATS request-reply with a queue group, through jnats: a worker subscribes to the function's subject in
 * the queue group {@value #QUEUE_GROUP} (the server gives each request to one member) and publishes each reply to
 * the request's reply subject from its dispatcher thread, one call at a time; the caller sends every request with
 * {@link Connection#requestWithTimeout} on one connection (jnats multiplexes the replies over one inbox
 * subscription) and handles the reply when the future completes.
 */
public final class NatsCalls implements CallTransport
{
    /**
     * The queue group of the workers.
     */
    public static final String QUEUE_GROUP = "workers";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private static final byte[] EMPTY = new byte[0];

    private final String url;

    /**
     * Create the transport.
     *
     * @param args {@code --port n [--host h]}.
     */
    public NatsCalls(final Args args)
    {
        this.url = "nats://" + args.string("host", "127.0.0.1") + ":" + Integer.parseInt(args.required("port"));
    }

    private static String subject(final String function)
    {
        return "clustr-bench.call." + function;
    }

    private Connection connect(final String name) throws Exception
    {
        return Nats.connect(new Options.Builder()
            .server(url)
            .connectionName(name)
            .connectionTimeout(CONNECT_TIMEOUT)
            .noReconnect()
            .build());
    }

    /**
     * {@inheritDoc}
     */
    public void serve(final String function, final CallFunction fn, final Runnable onReady) throws Exception
    {
        final UnsafeBuffer request = new UnsafeBuffer(new byte[0]);
        final CountDownLatch closed = new CountDownLatch(1);
        final Connection connection = connect("worker-" + ProcessHandle.current().pid());
        try
        {
            final Dispatcher dispatcher = connection.createDispatcher((msg) ->
            {
                final byte[] data = null == msg.getData() ? EMPTY : msg.getData();
                // jnats queues the body until its writer thread sends it: a new array per reply.
                final byte[] reply = new byte[CallFunctions.replyLength(function, data.length)];
                request.wrap(data);
                fn.apply(request, 0, data.length, new UnsafeBuffer(reply));
                connection.publish(msg.getReplyTo(), reply);
            });
            dispatcher.subscribe(subject(function), QUEUE_GROUP);
            connection.flush(CONNECT_TIMEOUT);
            onReady.run();
            closed.await();
        }
        finally
        {
            connection.close();
        }
    }

    /**
     * {@inheritDoc}
     */
    public CallClient client(final String function, final int callers) throws Exception
    {
        final Connection connection = connect("caller-" + ProcessHandle.current().pid());
        final String subject = subject(function);
        final UnsafeBuffer[] replies = new UnsafeBuffer[callers];
        for (int i = 0; i < callers; i++)
        {
            replies[i] = new UnsafeBuffer(new byte[0]);
        }

        return new CallClient()
        {
            public void call(final int caller, final DirectBuffer request, final int length, final ReplyHandler handler)
            {
                // jnats keeps the body until it is written: a new array per request.
                final byte[] body = new byte[length];
                request.getBytes(0, body, 0, length);
                connection.requestWithTimeout(subject, body, REQUEST_TIMEOUT).whenComplete(
                    (final Message reply, final Throwable error) ->
                    {
                        if (null != error)
                        {
                            handler.onError(caller, error);
                            return;
                        }

                        final byte[] data = null == reply.getData() ? EMPTY : reply.getData();
                        replies[caller].wrap(data);
                        handler.onReply(caller, replies[caller], 0, data.length);
                    });
            }

            public void close()
            {
                try
                {
                    connection.close();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }
}
