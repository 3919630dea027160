package io.clustr;

import io.aeron.Publication;
import io.clustr.spawn.ExitStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The publish path of a node, from any thread: picks the calling thread's {@link FrameWriter}, offers data and
 * confirmation frames, and decides what each negative offer result means (delivered to nobody, retry, or fail).
 * No lock on the way: a thread's writer is found in a field (the agent's thread and the first other publishing
 * thread) or in this node's thread-local.
 */
final class DataPublisher
{
    static final int MAX_CONFIRMATION_ID_LENGTH = 65_534;

    /**
     * How long "nobody subscribes to this public or group stream" is believed before the subscriber counters are
     * read again: a stream nobody listens to costs a counter scan per 100 ms, not one per message.
     */
    static final long NO_SUBSCRIBER_RECHECK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final long nodeId;
    private final byte[] groupBytes;
    private final int termLength;
    private final long publishTimeoutNs;
    private final Routes routes;
    private final CountersReader counters;
    private final Supplier<Membership.View> membership;
    private final BooleanSupplier isClosed;
    private final FrameWriter agentWriter = new FrameWriter();
    private final ThreadLocal<FrameWriter> writers = ThreadLocal.withInitial(this::newWriter);
    private final CopyOnWriteArrayList<FrameWriter> allWriters = new CopyOnWriteArrayList<>();
    private volatile Thread agentThread;
    private volatile WriterSlot publisherSlot;

    DataPublisher(
        final long nodeId,
        final String group,
        final int termLength,
        final long publishTimeoutNs,
        final Routes routes,
        final CountersReader counters,
        final Supplier<Membership.View> membership,
        final BooleanSupplier isClosed)
    {
        this.nodeId = nodeId;
        this.groupBytes = group.getBytes(StandardCharsets.US_ASCII);
        this.termLength = termLength;
        this.publishTimeoutNs = publishTimeoutNs;
        this.routes = routes;
        this.counters = counters;
        this.membership = membership;
        this.isClosed = isClosed;
        allWriters.add(agentWriter);
    }

    /**
     * @param thread that runs the node's duty cycle; it publishes through its own writer.
     */
    void agentThread(final Thread thread)
    {
        agentThread = thread;
    }

    /**
     * Wrap a byte array in the calling thread's writer, without copying it.
     */
    DirectBuffer wrap(final byte[] bytes)
    {
        return writer().wrap(bytes);
    }

    void publish(final Channel channel, final DirectBuffer buffer, final int offset, final int length)
    {
        checkPublish(channel, buffer, offset, length);
        final FrameWriter writer = writer();
        long deadlineNs = 0;
        writer.resetIdle();

        while (true)
        {
            final Route route;
            final long result;
            if (channel.kind() == Channel.Kind.CONFIRMATION)
            {
                route = null;
                result = offerConfirmation(writer, routes.confirmationPublication(), buffer, offset, length);
            }
            else
            {
                route = writer.route(routes, channel);
                result = offerData(writer, route, buffer, offset, length);
            }

            if (result > 0 || isDelivered(channel, route, result))
            {
                return;
            }

            checkOpen();
            final long nowNs = System.nanoTime();
            if (0 == deadlineNs)
            {
                deadlineNs = nowNs + publishTimeoutNs;
            }
            else if (nowNs - deadlineNs > 0)
            {
                throw new ClustrException("publish to " + channel + " timed out after " +
                    TimeUnit.NANOSECONDS.toMillis(publishTimeoutNs) + " ms: " + describe(channel, result));
            }
            writer.idle();
        }
    }

    boolean tryPublish(final Channel channel, final DirectBuffer buffer, final int offset, final int length)
    {
        checkPublish(channel, buffer, offset, length);
        final FrameWriter writer = writer();
        if (channel.kind() == Channel.Kind.CONFIRMATION)
        {
            final Publication publication = routes.confirmationPublication();
            final long result = offerConfirmation(writer, publication, buffer, offset, length);
            return result > 0 || isDelivered(channel, null, result);
        }

        final Route route = writer.route(routes, channel);
        final long result = offerData(writer, route, buffer, offset, length);

        return result > 0 || isDelivered(channel, route, result);
    }

    /**
     * The node is closed: every writer forgets its routes, so thread-locals left in other threads hold nothing of
     * this node.
     */
    void close()
    {
        for (final FrameWriter writer : allWriters)
        {
            writer.clear();
        }
        allWriters.clear();
        publisherSlot = null;
        agentThread = null;
    }

    /**
     * The frame writer of the calling thread. The duty-cycle thread and the first other thread that publishes (say,
     * a main thread streaming messages) each get theirs from a field; further threads from this node's thread-local,
     * whose lookup (a hash probe and a weak reference check) costs a noticeable share of a 32 byte publish.
     */
    private FrameWriter writer()
    {
        final Thread thread = Thread.currentThread();
        if (thread == agentThread)
        {
            return agentWriter;
        }

        final WriterSlot slot = publisherSlot;
        if (null != slot)
        {
            return slot.thread == thread ? slot.writer : writers.get();
        }

        synchronized (allWriters)
        {
            if (null == publisherSlot)
            {
                final WriterSlot newSlot = new WriterSlot(thread, newWriter());
                publisherSlot = newSlot;
                return newSlot.writer;
            }
        }

        return publisherSlot.thread == thread ? publisherSlot.writer : writers.get();
    }

    private FrameWriter newWriter()
    {
        final FrameWriter writer = new FrameWriter();
        allWriters.add(writer);
        return writer;
    }

    private void checkOpen()
    {
        if (isClosed.getAsBoolean())
        {
            throw new ClustrException("node " + nodeId + " is closed: create a new one to keep working");
        }
    }

    private void checkPublish(final Channel channel, final DirectBuffer buffer, final int offset, final int length)
    {
        Objects.requireNonNull(channel, "channel must not be null: use Channel.PUBLIC, Channel.group(name), " +
            "Channel.worker(id) or Channel.CONFIRMATION");
        Objects.requireNonNull(buffer, "payload buffer must not be null");
        checkOpen();
        if (offset < 0 || length < 0 || offset > buffer.capacity() - length)
        {
            throw new IndexOutOfBoundsException("payload offset=" + offset + " length=" + length +
                " is outside the buffer of capacity " + buffer.capacity());
        }
    }

    private long offerData(
        final FrameWriter writer, final Route route, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > route.maxPayload)
        {
            throw new IllegalArgumentException("message of " + length + " bytes is too large: the largest is " +
                route.maxPayload + " bytes with a term length of " + termLength + " (raise " +
                Configuration.TERM_LENGTH_PROP_NAME + " on the master)");
        }

        return writer.offerData(route, buffer, offset, length);
    }

    private long offerConfirmation(
        final FrameWriter writer,
        final Publication publication,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final int frameLength = FrameWriter.confirmationFrameLength(groupBytes.length, length);
        if (length > MAX_CONFIRMATION_ID_LENGTH || frameLength > publication.maxMessageLength())
        {
            throw new IllegalArgumentException("confirmation id of " + length + " bytes is too long: keep it " +
                "short, e.g. \"ready\"");
        }

        return writer.offerConfirmation(publication, nodeId, groupBytes, buffer, offset, length);
    }

    /**
     * Decide what a failed offer means: true if the message counts as delivered (nobody subscribes to a public or
     * group stream), false to retry; throws when retrying cannot help.
     */
    private boolean isDelivered(final Channel channel, final Route route, final long result)
    {
        if (Publication.NOT_CONNECTED == result)
        {
            switch (channel.kind())
            {
                case PUBLIC:
                case GROUP:
                    return hasNoSubscribers(route);

                case PRIVATE:
                {
                    final ExitStatus departure = membership.get().departure(channel.workerId());
                    if (null != departure)
                    {
                        throw new ClustrException("cannot publish to " + channel + ": worker " + channel.workerId() +
                            " has left the cluster (" + departure.reason() + ")");
                    }
                    return false;
                }

                default:
                    return false;
            }
        }

        if (null != route && (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result))
        {
            checkOpen();
            routes.evict(channel, route.publication);
        }

        return false;
    }

    /**
     * Nobody subscribes: delivered to nobody. But a publication the driver has only just linked may report
     * NOT_CONNECTED for a moment although subscribers exist, so the subscriber counters decide; their answer is
     * believed for {@link #NO_SUBSCRIBER_RECHECK_NS}.
     */
    private boolean hasNoSubscribers(final Route route)
    {
        final long nowNs = System.nanoTime();
        if (nowNs - route.noSubscriberUntilNs < 0)
        {
            return true;
        }

        if (Subscribers.exist(counters, route.publication))
        {
            return false;
        }

        route.noSubscriberUntilNs = nowNs + NO_SUBSCRIBER_RECHECK_NS;
        return true;
    }

    private static String describe(final Channel channel, final long result)
    {
        if (Publication.NOT_CONNECTED == result)
        {
            return channel.kind() == Channel.Kind.CONFIRMATION ?
                "no master is subscribed to confirmations" :
                "worker " + channel.workerId() + " is not connected (it has not joined yet, or does not exist)";
        }
        if (Publication.BACK_PRESSURED == result)
        {
            return "the stream is back-pressured: a subscriber is not keeping up";
        }

        return "offer result " + result;
    }

    private static final class WriterSlot
    {
        final Thread thread;
        final FrameWriter writer;

        WriterSlot(final Thread thread, final FrameWriter writer)
        {
            this.thread = thread;
            this.writer = writer;
        }
    }
}
