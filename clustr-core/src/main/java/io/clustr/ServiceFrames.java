package io.clustr;

import org.agrona.DirectBuffer;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Frames of a layer built on clustr, such as the request/reply and job patterns of {@code io.clustr.patterns}:
 * carried on the node's public, group and private streams like messages, with the same ordering, back-pressure and
 * slow-consumer rules, but marked as service frames in Aeron's header ({@code FrameFormat.SERVICE}), so that they
 * reach only the handlers added here and never a node's message handlers ({@code onPublic}, {@code onPrivate},
 * {@code onGroup}). A layer defines its own payload layout.
 * <p>
 * Service handlers run on the node's duty-cycle thread, like message handlers.
 */
public final class ServiceFrames
{
    private final DataPublisher publisher;
    private final DataSubscriptions subscriptions;
    private final Consumer<BroadcastStream> onPublicStream;

    ServiceFrames(
        final DataPublisher publisher,
        final DataSubscriptions subscriptions,
        final Consumer<BroadcastStream> onPublicStream)
    {
        this.publisher = publisher;
        this.subscriptions = subscriptions;
        this.onPublicStream = onPublicStream;
    }

    /**
     * Add a handler of the service frames this node receives on its private stream, the public stream (which it
     * subscribes to, if not yet, before this returns) and its group's stream (once it subscribes to it).
     * {@link Message#kind()} tells which.
     *
     * @param handler to add.
     * @return this.
     */
    public ServiceFrames onFrame(final MessageHandler handler)
    {
        Objects.requireNonNull(handler, "service handler must not be null");
        subscriptions.addServiceHandler(handler, onPublicStream);
        return this;
    }

    /**
     * Publish a service frame, waiting as {@link Node#publish(Channel, DirectBuffer, int, int)} does.
     *
     * @param channel a public, group or private channel.
     * @param buffer  holding the frame's payload.
     * @param offset  of the payload.
     * @param length  of the payload.
     */
    public void publish(final Channel channel, final DirectBuffer buffer, final int offset, final int length)
    {
        publisher.publish(checkChannel(channel), FrameFormat.SERVICE, buffer, offset, length);
    }

    /**
     * Try to publish a service frame once, without waiting, as {@link Node#tryPublish(Channel, DirectBuffer, int,
     * int)} does.
     *
     * @param channel a public, group or private channel.
     * @param buffer  holding the frame's payload.
     * @param offset  of the payload.
     * @param length  of the payload.
     * @return true if published (or nobody subscribes to a public or group stream); false if back-pressured or a
     * private target is not connected yet.
     */
    public boolean tryPublish(final Channel channel, final DirectBuffer buffer, final int offset, final int length)
    {
        return publisher.tryPublish(checkChannel(channel), FrameFormat.SERVICE, buffer, offset, length);
    }

    private static Channel checkChannel(final Channel channel)
    {
        Objects.requireNonNull(channel, "channel must not be null");
        if (channel.kind() == Channel.Kind.CONFIRMATION)
        {
            throw new IllegalArgumentException("service frames go on public, group or private channels, not on " +
                "confirmations");
        }

        return channel;
    }
}
