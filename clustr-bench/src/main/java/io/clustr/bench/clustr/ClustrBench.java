package io.clustr.bench.clustr;

import io.clustr.Channel;
import io.clustr.Node;
import io.clustr.bench.workload.MessageSink;

/**
 * What the clustr bench processes share: group names, stream selection by name, and result reporting to the
 * master.
 */
public final class ClustrBench
{
    /**
     * Group of the receiving workers.
     */
    public static final String SUBSCRIBER_GROUP = "bench-sub";

    /**
     * Group of the publishing worker.
     */
    public static final String PUBLISHER_GROUP = "bench-pub";

    /**
     * Group of the pinging worker.
     */
    public static final String PING_GROUP = "bench-ping";

    /**
     * Group of the ponging worker.
     */
    public static final String PONG_GROUP = "bench-pong";

    /**
     * Group of idle workers (spawn, RSS and idle CPU benches).
     */
    public static final String IDLE_GROUP = "bench-idle";

    /**
     * Confirmation every bench worker sends once it is ready.
     */
    public static final String READY = "ready";

    private ClustrBench()
    {
    }

    /**
     * The channel named by a bench's {@code --stream}.
     *
     * @param stream   public, group or private.
     * @param targetId the receiving worker, for private.
     * @return the channel.
     */
    public static Channel channel(final String stream, final long targetId)
    {
        switch (stream)
        {
            case "public":
                return Channel.PUBLIC;

            case "group":
                return Channel.group(SUBSCRIBER_GROUP);

            case "private":
                return Channel.worker(targetId);

            default:
                throw new IllegalArgumentException("unknown stream: " + stream);
        }
    }

    /**
     * A sink that publishes through {@link Node#tryPublish}: never blocks, false when back-pressured.
     *
     * @param node    publishing node.
     * @param channel where to.
     * @return the sink.
     */
    public static MessageSink sink(final Node node, final Channel channel)
    {
        return (buffer, length) -> node.tryPublish(channel, buffer, 0, length);
    }

    /**
     * Send a result line to the master (id 0), which prints it for the orchestrator.
     *
     * @param node reporting node.
     * @param line the {@code BENCH ...} line.
     */
    public static void report(final Node node, final String line)
    {
        node.publish(Channel.worker(0), line);
    }
}
