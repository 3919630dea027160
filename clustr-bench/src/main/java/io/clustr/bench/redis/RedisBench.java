package io.clustr.bench.redis;

import io.clustr.bench.Args;
import io.clustr.bench.workload.MessageSink;
import org.agrona.DirectBuffer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.nio.charset.StandardCharsets;

/**
 * What the Redis pub/sub bench processes share: connections to the loopback server and the channel names.
 */
public final class RedisBench
{
    /**
     * Channel of the throughput bench.
     */
    public static final byte[] THROUGHPUT_CHANNEL = "clustr-bench-tp".getBytes(StandardCharsets.US_ASCII);

    /**
     * Channel carrying pings.
     */
    public static final byte[] PING_CHANNEL = "clustr-bench-ping".getBytes(StandardCharsets.US_ASCII);

    /**
     * Channel carrying pongs.
     */
    public static final byte[] PONG_CHANNEL = "clustr-bench-pong".getBytes(StandardCharsets.US_ASCII);

    /**
     * Publishes pipelined between syncs: what a throughput-minded Redis client does.
     */
    public static final int PIPELINE_DEPTH = 256;

    private RedisBench()
    {
    }

    /**
     * Open a connection to {@code --host} (default 127.0.0.1) {@code --port}.
     *
     * @param args the command line.
     * @return the connection.
     */
    public static Jedis connect(final Args args)
    {
        return new Jedis(args.string("host", "127.0.0.1"), Integer.parseInt(args.required("port")));
    }

    /**
     * A sink that publishes each message with one PUBLISH command and waits for its reply.
     *
     * @param jedis   connection to publish on.
     * @param channel to publish to.
     * @param maxLength largest message.
     * @return the sink.
     */
    public static MessageSink publishing(final Jedis jedis, final byte[] channel, final int maxLength)
    {
        final byte[][] messages = new byte[maxLength + 1][];
        return (buffer, length) ->
        {
            jedis.publish(channel, copy(messages, buffer, length));
            return true;
        };
    }

    /**
     * A sink that pipelines PUBLISH commands, syncing every {@link #PIPELINE_DEPTH} messages. Call
     * {@link Pipeline#sync()} at the end.
     *
     * @param pipeline  to publish on.
     * @param channel   to publish to.
     * @param maxLength largest message.
     * @return the sink.
     */
    public static MessageSink pipelined(final Pipeline pipeline, final byte[] channel, final int maxLength)
    {
        final byte[][] messages = new byte[maxLength + 1][];
        final int[] pending = new int[1];
        return (buffer, length) ->
        {
            pipeline.publish(channel, copy(messages, buffer, length));
            if (++pending[0] >= PIPELINE_DEPTH)
            {
                pipeline.sync();
                pending[0] = 0;
            }

            return true;
        };
    }

    /**
     * Sequence number of a ping or pong (little endian long at offset 8).
     *
     * @param message the message.
     * @return its sequence number.
     */
    public static long sequence(final byte[] message)
    {
        long value = 0;
        for (int i = 7; i >= 0; i--)
        {
            value = (value << 8) | (message[8 + i] & 0xFFL);
        }

        return value;
    }

    private static byte[] copy(final byte[][] messages, final DirectBuffer buffer, final int length)
    {
        byte[] message = messages[length];
        if (null == message)
        {
            message = new byte[length];
            messages[length] = message;
        }

        // Jedis encodes the command into its output buffer during the call, so the array can be reused.
        buffer.getBytes(0, message, 0, length);
        return message;
    }
}
