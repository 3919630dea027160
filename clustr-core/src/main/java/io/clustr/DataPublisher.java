package io.clustr;

import io.aeron.Publication;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

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
     * How often a publish that keeps being back-pressured on a public or group stream checks whether anyone still
     * subscribes (see {@link #isAbandoned}).
     */
    static final long ABANDONED_SCAN_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final long nodeId;
    private final byte[] groupBytes;
    private final int termLength;
    private final long publishTimeoutNs;
    private final long handlerPublishTimeoutNs;
    private final Routes routes;
    private final CountersReader counters;
    private final BooleanSupplier isClosed;
    private final FrameWriter agentWriter = new FrameWriter();
    private final ThreadLocal<FrameWriter> writers = ThreadLocal.withInitial(this::newWriter);
    private final CopyOnWriteArrayList<FrameWriter> allWriters = new CopyOnWriteArrayList<>();
    private long dutyCycleBudgetNs;
    private volatile Thread agentThread;
    private volatile FrameWriter publisherWriter;

    DataPublisher(
        final long nodeId,
        final String group,
        final int termLength,
        final long publishTimeoutNs,
        final long handlerPublishTimeoutNs,
        final Routes routes,
        final CountersReader counters,
        final BooleanSupplier isClosed)
    {
        this.nodeId = nodeId;
        this.groupBytes = group.getBytes(StandardCharsets.US_ASCII);
        this.termLength = termLength;
        this.publishTimeoutNs = publishTimeoutNs;
        this.handlerPublishTimeoutNs = handlerPublishTimeoutNs;
        this.routes = routes;
        this.counters = counters;
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
     * A duty cycle begins (agent thread): its handlers may together wait up to the handler publish timeout for
     * back-pressure. One budget per cycle, not per publish: a handler that catches the exception and goes on fails
     * at once for the rest of the cycle's poll batch, instead of waiting again for every message in it, and the
     * agent returns to drain its streams.
     */
    void beginDutyCycle()
    {
        dutyCycleBudgetNs = handlerPublishTimeoutNs;
        final Thread thread = Thread.currentThread();
        if (thread != agentThread)
        {
            agentThread = thread; // an agent invoker's thread: the duty cycle runs on the caller's thread
        }
    }

    /**
     * Wrap a byte array in the calling thread's writer without copying it, for one publish: {@link #unwrap} when that
     * returns.
     */
    DirectBuffer wrap(final byte[] bytes)
    {
        return writer().wrap(bytes);
    }

    /**
     * The publish of the calling thread's wrapped array has returned: its writer holds nothing of it.
     */
    void unwrap()
    {
        writer().unwrap();
    }

    /**
     * Publish a byte array, wrapped for this publish only.
     */
    void publish(final Channel channel, final byte[] bytes)
    {
        final FrameWriter writer = writer();
        try
        {
            publish(writer, channel, writer.wrap(bytes), 0, bytes.length);
        }
        finally
        {
            writer.unwrap();
        }
    }

    void publish(final Channel channel, final DirectBuffer buffer, final int offset, final int length)
    {
        publish(writer(), channel, buffer, offset, length);
    }

    private void publish(
        final FrameWriter writer, final Channel channel, final DirectBuffer buffer, final int offset, final int length)
    {
        if (fastOffer(writer, channel, buffer, offset, length) <= 0)
        {
            publish(channel, FrameFormat.MESSAGE, buffer, offset, length);
        }
    }

    /**
     * Publish a message the target acknowledges: its payload goes after the correlation id, in the thread's scratch.
     *
     * @param channel       a private channel.
     * @param correlationId the receiver sends back in its {@link FrameFormat#ACK}.
     * @param buffer        of the payload.
     * @param offset        of the payload.
     * @param length        of the payload.
     */
    void publishAcked(
        final Channel channel, final long correlationId, final DirectBuffer buffer, final int offset, final int length)
    {
        checkPublish(channel, buffer, offset, length);
        final DirectBuffer framed = writer().frameAcked(correlationId, buffer, offset, length);
        publish(channel, FrameFormat.ACKED, framed, 0, FrameFormat.CORRELATION_ID_LENGTH + length);
    }

    void publish(final Channel channel, final int type, final DirectBuffer buffer, final int offset, final int length)
    {
        final int version = routes.version();
        checkPublish(channel, buffer, offset, length);
        final FrameWriter writer = writer();
        writer.checkNoOpenClaim();
        final boolean isDutyCycle = Thread.currentThread() == agentThread;
        writer.retryStartNs = 0;

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
                if (null == route)
                {
                    return;
                }
                checkLength(route, type, length);
                writer.arm(channel, route, version);
                result = writer.offerData(route, type, buffer, offset, length);
            }

            if (result > 0)
            {
                writer.onSent(channel.kind(), length);
                spend(isDutyCycle, writer);
                return;
            }
            if (isDelivered(channel, route, result))
            {
                spend(isDutyCycle, writer);
                return;
            }

            if (awaitRetry(writer, channel, route, result, isDutyCycle))
            {
                return;
            }
        }
    }

    boolean tryPublish(final Channel channel, final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameWriter writer = writer();
        final long result = fastOffer(writer, channel, buffer, offset, length);
        if (result > 0)
        {
            return true;
        }
        if (Publication.BACK_PRESSURED == result)
        {
            writer.onBackPressured();
            return false;
        }

        return tryPublish(channel, FrameFormat.MESSAGE, buffer, offset, length);
    }

    /**
     * The fast path of a message of one frame, on a channel this thread's writer published to last (its route armed
     * by a checked publish, see {@link FrameWriter#fastOffer}): no check repeated that the route's version already
     * answers (the node open, the channel valid and routed, no claim open), one claim and copy.
     *
     * @return the offer's result (counted as sent when positive), or {@link FrameWriter#NOT_ARMED}; unless positive or
     * back-pressured, publish through the checked path, which decides what the result means.
     */
    private long fastOffer(
        final FrameWriter writer, final Channel channel, final DirectBuffer buffer, final int offset, final int length)
    {
        return writer.fastOffer(channel, routes.version(), buffer, offset, length);
    }

    boolean tryPublish(
        final Channel channel, final int type, final DirectBuffer buffer, final int offset, final int length)
    {
        final int version = routes.version();
        checkPublish(channel, buffer, offset, length);
        final FrameWriter writer = writer();
        writer.checkNoOpenClaim();
        if (channel.kind() == Channel.Kind.CONFIRMATION)
        {
            final Publication publication = routes.confirmationPublication();
            final long result = offerConfirmation(writer, publication, buffer, offset, length);
            return counted(writer, channel, result, length) || isDelivered(channel, null, result);
        }

        final Route route = writer.route(routes, channel);
        if (null == route)
        {
            return true;
        }
        checkLength(route, type, length);
        writer.arm(channel, route, version);
        final long result = writer.offerData(route, type, buffer, offset, length);

        return counted(writer, channel, result, length) || isDelivered(channel, route, result);
    }

    /**
     * Count a one-shot offer or claim: sent when positive, a back-pressure event when back-pressured.
     *
     * @return true if the result is positive.
     */
    private static boolean counted(
        final FrameWriter writer, final Channel channel, final long result, final int length)
    {
        if (result > 0)
        {
            writer.onSent(channel.kind(), length);
            return true;
        }
        if (Publication.BACK_PRESSURED == result)
        {
            writer.onBackPressured();
        }

        return false;
    }

    /**
     * Sum what every writer of this node has sent into the node's counters, per kind of stream and in total (the
     * node's agent, every 100 ms).
     */
    void sumSent(final NodeCounters counters)
    {
        if (counters.messagesSent.isClosed())
        {
            return;
        }

        long messages = 0;
        long bytes = 0;
        for (int kind = 0; kind < NodeCounters.STREAM_KINDS; kind++)
        {
            long streamMessages = 0;
            long streamBytes = 0;
            for (final FrameWriter writer : allWriters)
            {
                streamMessages += writer.messagesSent(kind);
                streamBytes += writer.bytesSent(kind);
            }
            counters.streamMessagesSent[kind].setRelease(streamMessages);
            counters.streamBytesSent[kind].setRelease(streamBytes);
            messages += streamMessages;
            bytes += streamBytes;
        }

        long backPressured = 0;
        for (final FrameWriter writer : allWriters)
        {
            backPressured += writer.backPressured();
        }
        counters.messagesSent.setRelease(messages);
        counters.bytesSent.setRelease(bytes);
        counters.backPressure.setRelease(backPressured);
    }

    /**
     * Claim a frame, waiting as {@link #publish} does.
     */
    Claim claim(final Channel channel, final int length)
    {
        checkClaim(channel, length);
        final FrameWriter writer = writer();
        writer.checkNoOpenClaim();
        final boolean isDutyCycle = Thread.currentThread() == agentThread;
        writer.retryStartNs = 0;

        while (true)
        {
            final Route route = writer.route(routes, channel);
            if (null == route)
            {
                return writer.claim().inScratch(length);
            }
            checkClaimLength(route, length);
            final long result = writer.tryClaim(route, length);
            if (result > 0)
            {
                writer.onSent(channel.kind(), length);
                spend(isDutyCycle, writer);
                return writer.claim();
            }
            if (isDelivered(channel, route, result))
            {
                spend(isDutyCycle, writer);
                return writer.claim().inScratch(length);
            }

            if (awaitRetry(writer, channel, route, result, isDutyCycle))
            {
                return writer.claim().inScratch(length);
            }
        }
    }

    /**
     * Claim a frame once, without waiting.
     */
    Claim tryClaim(final Channel channel, final int length)
    {
        checkClaim(channel, length);
        final FrameWriter writer = writer();
        writer.checkNoOpenClaim();
        final Route route = writer.route(routes, channel);
        if (null == route)
        {
            return writer.claim().inScratch(length);
        }
        checkClaimLength(route, length);
        final long result = writer.tryClaim(route, length);
        if (counted(writer, channel, result, length))
        {
            return writer.claim();
        }

        return isDelivered(channel, route, result) ? writer.claim().inScratch(length) : null;
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
        publisherWriter = null;
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

        final FrameWriter publisherWriter = this.publisherWriter;
        if (null != publisherWriter)
        {
            return publisherWriter.owner == thread ? publisherWriter : writers.get();
        }

        synchronized (allWriters)
        {
            if (null == this.publisherWriter)
            {
                final FrameWriter writer = new FrameWriter(thread);
                allWriters.add(writer);
                this.publisherWriter = writer;
                return writer;
            }
        }

        return this.publisherWriter.owner == thread ? this.publisherWriter : writers.get();
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

    private void checkLength(final Route route, final int type, final int length)
    {
        if (length > route.maxPayload)
        {
            final int overhead = FrameFormat.ACKED == type ? FrameFormat.CORRELATION_ID_LENGTH : 0;
            throw new IllegalArgumentException((0 == overhead ? "message of " : "acknowledged message of ") +
                (length - overhead) + " bytes is too large: the largest is " + (route.maxPayload - overhead) +
                " bytes, " + (0 == overhead ? "" : "8 less than ") + "an eighth of the term length of " + termLength +
                " (raise " + Configuration.TERM_LENGTH_PROP_NAME + " on the master)");
        }
    }

    private void checkClaim(final Channel channel, final int length)
    {
        Objects.requireNonNull(channel, "channel must not be null: use Channel.PUBLIC, Channel.group(name) or " +
            "Channel.worker(id)");
        if (channel.kind() == Channel.Kind.CONFIRMATION)
        {
            throw new IllegalArgumentException("confirmations cannot be claimed: use confirm(id)");
        }
        if (length < 0)
        {
            throw new IllegalArgumentException("claim length must not be negative: " + length);
        }
        checkOpen();
    }

    private static void checkClaimLength(final Route route, final int length)
    {
        if (length > route.maxClaimPayload)
        {
            throw new IllegalArgumentException("claim of " + length + " bytes is too large: a claim is one frame, " +
                "at most " + route.maxClaimPayload + " bytes (the MTU less Aeron's 32 byte header); publish larger " +
                "messages with publish(...), which fragments them");
        }
    }

    /**
     * A publish on the duty-cycle thread that had to wait spends the wait from the cycle's budget.
     */
    private void spend(final boolean isDutyCycle, final FrameWriter writer)
    {
        if (isDutyCycle && 0 != writer.retryStartNs)
        {
            dutyCycleBudgetNs = Math.max(0, dutyCycleBudgetNs - (System.nanoTime() - writer.retryStartNs));
        }
    }

    /**
     * An offer failed and retrying may help: wait a little, unless the wait is over.
     *
     * @return true if the stream was abandoned by every subscriber (see {@link #isAbandoned}): delivered to nobody.
     * @throws BackPressureException or {@link ClustrException} when the wait is over.
     */
    private boolean awaitRetry(
        final FrameWriter writer,
        final Channel channel,
        final Route route,
        final long result,
        final boolean isDutyCycle)
    {
        checkOpen();
        final long nowNs = System.nanoTime();
        if (0 == writer.retryStartNs)
        {
            if (Publication.BACK_PRESSURED == result)
            {
                writer.onBackPressured();
            }
            writer.retryStartNs = nowNs;
            writer.retryLastScanNs = nowNs;
            writer.resetIdle();
        }
        else
        {
            checkTimeout(channel, result, isDutyCycle, nowNs - writer.retryStartNs);
            if (nowNs - writer.retryLastScanNs >= ABANDONED_SCAN_NS)
            {
                writer.retryLastScanNs = nowNs;
                if (isAbandoned(channel, route, result))
                {
                    spend(isDutyCycle, writer);
                    return true;
                }
            }
        }
        writer.idle();

        return false;
    }

    private void checkTimeout(
        final Channel channel, final long result, final boolean isDutyCycle, final long waitedNs)
    {
        if (isDutyCycle)
        {
            if (waitedNs >= dutyCycleBudgetNs)
            {
                dutyCycleBudgetNs = 0;
                throw new BackPressureException("publish to " + channel + " from the duty-cycle thread (a handler " +
                    "or callback) gave up: " + describe(channel, result) + ". Handlers may wait " +
                    TimeUnit.NANOSECONDS.toMillis(handlerPublishTimeoutNs) + " ms in all per duty cycle, because " +
                    "the node drains none of its own streams meanwhile: use tryPublish and keep what failed, or " +
                    "publish from another thread");
            }
        }
        else if (waitedNs > publishTimeoutNs)
        {
            final String message = "publish to " + channel + " timed out after " +
                TimeUnit.NANOSECONDS.toMillis(publishTimeoutNs) + " ms: " + describe(channel, result);
            throw Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result ?
                new BackPressureException(message) : new ClustrException(message);
        }
    }

    /**
     * A public or group stream that stays back-pressured although nobody subscribes any more: every subscriber was
     * cut loose (its subscriber position is gone), which Aeron reports as back-pressure, not as not connected. The
     * message reaches nobody, as on a stream nobody subscribes to.
     */
    private boolean isAbandoned(final Channel channel, final Route route, final long result)
    {
        return Publication.BACK_PRESSURED == result && null != route &&
            (channel.kind() == Channel.Kind.PUBLIC || channel.kind() == Channel.Kind.GROUP) &&
            !Subscribers.exist(counters, route.publication);
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
     * group stream: its publication was linked to every existing subscriber when it was added, so not connected
     * means nobody), false to retry; throws when retrying cannot help.
     */
    private boolean isDelivered(final Channel channel, final Route route, final long result)
    {
        if (Publication.NOT_CONNECTED == result)
        {
            switch (channel.kind())
            {
                case PUBLIC:
                case GROUP:
                    return true;

                case PRIVATE:
                    routes.checkNotDeparted(channel.workerId());
                    return false;

                default:
                    return false;
            }
        }

        if (null != route && (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result))
        {
            checkOpen();
            routes.evict(channel, route.publication);
            if (channel.kind() == Channel.Kind.PRIVATE)
            {
                routes.checkNotDeparted(channel.workerId());
            }
        }

        return false;
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
}
