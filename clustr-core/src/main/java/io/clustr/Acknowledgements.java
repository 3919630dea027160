package io.clustr;

import io.clustr.spawn.ExitStatus;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Acknowledged sends ({@code Node.send}): both sides.
 * <p>
 * The sender keeps a future per message, by correlation id, and publishes an {@link FrameFormat#ACKED} frame on the
 * target's private stream. The target runs its private handlers on the message, then sends back an
 * {@link FrameFormat#ACK} with the id on the sender's private stream; the sender completes the future. The ack
 * follows, on the same stream, whatever the handlers themselves published to the sender, so a reply sent from the
 * handler is always seen before the future completes.
 * <p>
 * A target that leaves (its exit or leave is known) fails the futures of every message it has not acknowledged, at
 * once, naming it; a closed node fails all of its own. An ack that cannot be sent at once (the sender's stream is
 * back-pressured) is queued and retried every duty cycle, in order, until it is sent or its sender has left.
 * <p>
 * Threads: {@link #send} runs on any thread; everything else on the node's duty cycle.
 */
final class Acknowledgements
{
    private final DataPublisher publisher;
    private final Supplier<Membership.View> membership;
    private final AtomicLong nextCorrelationId = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final ArrayDeque<long[]> unsentAcks = new ArrayDeque<>();
    private final Long2ObjectHashMap<Channel> channels = new Long2ObjectHashMap<>();
    private final UnsafeBuffer ackBuffer = new UnsafeBuffer(new byte[FrameFormat.CORRELATION_ID_LENGTH]);

    Acknowledgements(final DataPublisher publisher, final Supplier<Membership.View> membership)
    {
        this.publisher = publisher;
        this.membership = membership;
    }

    /**
     * Send a byte array, wrapped in the calling thread's writer for this send only (the payload is copied into the
     * frame before it returns).
     */
    CompletableFuture<Void> send(final Channel channel, final byte[] bytes)
    {
        final DirectBuffer buffer = publisher.wrap(bytes);
        try
        {
            return send(channel, buffer, 0, bytes.length);
        }
        finally
        {
            publisher.unwrap();
        }
    }

    CompletableFuture<Void> send(final Channel channel, final DirectBuffer buffer, final int offset, final int length)
    {
        if (channel.kind() != Channel.Kind.PRIVATE)
        {
            throw new IllegalArgumentException("send(...) is acknowledged by one node: give it Channel.worker(id) " +
                "(0 for the master), not " + channel + "; use publish(...) for the other streams");
        }

        final long targetId = channel.workerId();
        final long correlationId = nextCorrelationId.incrementAndGet();
        final CompletableFuture<Void> future = new CompletableFuture<>();
        pending.put(correlationId, new Pending(targetId, future));
        try
        {
            publisher.publishAcked(channel, correlationId, buffer, offset, length);
        }
        catch (final ClustrException ex)
        {
            pending.remove(correlationId);
            future.completeExceptionally(ex);
            return future;
        }
        catch (final RuntimeException ex)
        {
            pending.remove(correlationId);
            throw ex;
        }

        // The departure may have been handled between the put and the publish: then nobody else fails this one.
        final ExitStatus departure = membership.get().departure(targetId);
        if (null != departure)
        {
            fail(correlationId, targetId, departure);
        }

        return future;
    }

    /**
     * A message with this id from this sender has been through the private handlers: acknowledge it.
     *
     * @param senderId      of the message.
     * @param correlationId of the message.
     */
    void acknowledge(final long senderId, final long correlationId)
    {
        if (!unsentAcks.isEmpty() || !trySendAck(senderId, correlationId))
        {
            unsentAcks.addLast(new long[]{ senderId, correlationId });
        }
    }

    /**
     * Retry the acks that could not be sent at once.
     *
     * @return the number sent or dropped.
     */
    int doWork()
    {
        int workCount = 0;
        long[] ack;
        while (null != (ack = unsentAcks.peekFirst()))
        {
            if (!trySendAck(ack[0], ack[1]))
            {
                break;
            }
            unsentAcks.pollFirst();
            workCount++;
        }

        return workCount;
    }

    void onAck(final long senderId, final long correlationId)
    {
        final Pending entry = pending.get(correlationId);
        if (null != entry && entry.targetId == senderId && pending.remove(correlationId, entry))
        {
            entry.future.complete(null);
        }
    }

    void onDeparture(final long memberId, final ExitStatus status)
    {
        channels.remove(memberId);
        for (final Map.Entry<Long, Pending> entry : pending.entrySet())
        {
            if (entry.getValue().targetId == memberId)
            {
                fail(entry.getKey(), memberId, status);
            }
        }
    }

    void close()
    {
        final Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator();
        while (it.hasNext())
        {
            final Pending entry = it.next().getValue();
            it.remove();
            entry.future.completeExceptionally(new ClustrException("the node closed before worker(" +
                entry.targetId + ") acknowledged the message"));
        }
        unsentAcks.clear();
    }

    int pendingCount()
    {
        return pending.size();
    }

    private void fail(final long correlationId, final long targetId, final ExitStatus status)
    {
        final Pending entry = pending.remove(correlationId);
        if (null != entry)
        {
            entry.future.completeExceptionally(new ClustrException("worker(" + targetId + ") left the cluster " +
                "before acknowledging the message (" + status.reason() + ")"));
        }
    }

    private boolean trySendAck(final long senderId, final long correlationId)
    {
        try
        {
            ackBuffer.putLong(0, correlationId, ByteOrder.LITTLE_ENDIAN);
            return publisher.tryPublish(channel(senderId), FrameFormat.ACK, ackBuffer, 0, ackBuffer.capacity());
        }
        catch (final ClustrException ex)
        {
            return true; // the sender has left, or this node is closing: nobody waits for the ack any more
        }
    }

    private Channel channel(final long nodeId)
    {
        Channel channel = channels.get(nodeId);
        if (null == channel)
        {
            channel = Channel.worker(nodeId);
            channels.put(nodeId, channel);
        }

        return channel;
    }

    private static final class Pending
    {
        final long targetId;
        final CompletableFuture<Void> future;

        Pending(final long targetId, final CompletableFuture<Void> future)
        {
            this.targetId = targetId;
            this.future = future;
        }
    }
}
