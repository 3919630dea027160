package io.clustr;

import io.aeron.Aeron;
import io.aeron.AvailableImageHandler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.UnavailableImageHandler;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;


/**
 * A node's subscription to the public or its group stream, which is untethered: the media driver cuts a subscriber
 * loose when it stays too far behind (see {@link Configuration#UNTETHERED_WINDOW_LIMIT_TIMEOUT_PROP_NAME}), so one
 * slow, stalled or dead node never holds up the stream's publishers and the other subscribers for long. The
 * subscription channel has {@code rejoin=false}: a cut-loose subscription never comes back by itself (a dead node's
 * would otherwise rejoin, fall behind and stall the stream again every few seconds until the driver times its client
 * out). A live node notices instead: when its image goes unavailable without end of stream, it subscribes again
 * (asynchronously, without blocking the duty cycle), resumes at the stream's live position, and reports the gap.
 * <p>
 * Threads: the image handlers run on the Aeron client conductor's thread and only hand commands to the agent; every
 * other method runs on the agent, except {@link #close()}, which runs once the agent has stopped.
 */
final class UntetheredStream implements AvailableImageHandler, UnavailableImageHandler, AutoCloseable
{
    /**
     * What the agent does with the stream's events.
     */
    interface Agent
    {
        /**
         * Run a command on the agent's thread.
         */
        void submit(Runnable command);

        /**
         * The image of the stream went unavailable without end of stream: the node was cut loose.
         */
        void onCutLoose(UntetheredStream stream, Subscription subscription, int sessionId, long position);

        /**
         * An image became available on a subscription of this stream.
         */
        void onImageAvailable(UntetheredStream stream, long subscriptionRegistrationId, long joinPosition);
    }

    private final Aeron aeron;
    private final String channel;
    private final int streamId;
    private final Channel.Kind kind;
    private final GroupRegistry groups;
    private final HandlerList handlers;
    private final HandlerList serviceHandlers;
    private final ErrorHandler errorHandler;
    private final NodeCounters counters;
    private final int fragmentLimit;
    private final Agent agent;
    private volatile DataAdapter adapter;
    private volatile long pendingRegistrationId = Aeron.NULL_VALUE;
    private long awaitedRegistrationId = Aeron.NULL_VALUE;
    private long cutLoosePosition;
    private int cutLooseSessionId;
    private volatile boolean isClosed;

    UntetheredStream(
        final Aeron aeron,
        final String channel,
        final int streamId,
        final Channel.Kind kind,
        final GroupRegistry groups,
        final HandlerList handlers,
        final HandlerList serviceHandlers,
        final ErrorHandler errorHandler,
        final NodeCounters counters,
        final int fragmentLimit,
        final Agent agent)
    {
        this.aeron = aeron;
        this.channel = channel;
        this.streamId = streamId;
        this.kind = kind;
        this.groups = groups;
        this.handlers = handlers;
        this.serviceHandlers = serviceHandlers;
        this.errorHandler = errorHandler;
        this.counters = counters;
        this.fragmentLimit = fragmentLimit;
        this.agent = agent;
    }

    /**
     * Subscribe, on the caller's thread, and wait until the subscription is linked to the stream's log (see
     * {@link Subscribers#awaitLinked(Aeron, Subscription)}).
     *
     * @return the adapter for the agent to poll.
     */
    DataAdapter subscribe()
    {
        final Subscription subscription = aeron.addSubscription(channel, streamId, this, this);
        adapter = newAdapter(Subscribers.awaitLinked(aeron, subscription));
        return adapter;
    }

    Channel.Kind kind()
    {
        return kind;
    }

    /**
     * @return the adapter the agent polls now.
     */
    DataAdapter adapter()
    {
        return adapter;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Aeron client conductor thread
    // ----------------------------------------------------------------------------------------------------------------

    @Override
    public void onAvailableImage(final Image image)
    {
        if (!isClosed)
        {
            final long registrationId = image.subscription().registrationId();
            final long joinPosition = image.joinPosition();
            agent.submit(() -> agent.onImageAvailable(this, registrationId, joinPosition));
        }
    }

    @Override
    public void onUnavailableImage(final Image image)
    {
        // Also called for every image of a subscription being closed (ours, when we replace it or the node closes),
        // and when a publication ends normally (end of stream): neither is being cut loose.
        final Subscription subscription = image.subscription();
        if (!isClosed && !subscription.isClosed() && !image.isEndOfStream())
        {
            final long position = image.position();
            final int sessionId = image.sessionId();
            agent.submit(() -> agent.onCutLoose(this, subscription, sessionId, position));
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Agent thread
    // ----------------------------------------------------------------------------------------------------------------

    /**
     * The node was cut loose from {@code subscription}: subscribe again, asynchronously.
     *
     * @param subscription the subscription whose image went unavailable.
     * @param sessionId    of the log its image read.
     * @param position     the position its image had consumed when it was cut loose.
     * @return true if a new subscription was asked for (the agent then calls {@link #pollResubscribed()}); false if
     * the event is stale (the subscription was already replaced) or the stream is closed.
     */
    boolean onCutLoose(final Subscription subscription, final int sessionId, final long position)
    {
        final DataAdapter current = adapter;
        if (isClosed || null == current || current.subscription() != subscription ||
            Aeron.NULL_VALUE != pendingRegistrationId)
        {
            return false;
        }

        counters.cutLoose.incrementRelease();
        cutLoosePosition = position;
        cutLooseSessionId = sessionId;
        pendingRegistrationId = aeron.asyncAddSubscription(channel, streamId, this, this);
        awaitedRegistrationId = pendingRegistrationId;
        return true;
    }

    /**
     * Swap in the new subscription once the driver has added it; the old one is closed (asynchronously).
     *
     * @return the adapter to poll from now on (the new one; the current one if the driver refused the new
     * subscription, which is reported), or null while the driver has not answered yet.
     */
    DataAdapter pollResubscribed()
    {
        final long registrationId = pendingRegistrationId;
        if (Aeron.NULL_VALUE == registrationId)
        {
            return adapter;
        }

        final Subscription subscription;
        try
        {
            subscription = aeron.getSubscription(registrationId);
        }
        catch (final RuntimeException ex)
        {
            // The driver refused it: report it rather than retry in a loop.
            pendingRegistrationId = Aeron.NULL_VALUE;
            awaitedRegistrationId = Aeron.NULL_VALUE;
            errorHandler.onError(new ClustrException("could not subscribe again to the " + kind + " stream " +
                streamId + " after being cut loose: " + ex.getMessage(), ex));
            return adapter;
        }

        if (null == subscription)
        {
            return null;
        }

        final DataAdapter old = adapter;
        final DataAdapter replacement = newAdapter(subscription);
        // An IPC subscription joins at the slowest subscriber's position, which may be behind where this node was
        // cut loose: what it already delivered is not delivered again.
        replacement.skipDeliveredUntil(cutLooseSessionId, cutLoosePosition);
        adapter = replacement;
        pendingRegistrationId = Aeron.NULL_VALUE;
        CloseHelper.quietClose(old);
        return replacement;
    }

    /**
     * An image became available on one of this stream's subscriptions.
     *
     * @return the bytes missed when this is the first image of a subscription made after being cut loose, else -1.
     */
    long onImageAvailable(final long subscriptionRegistrationId, final long joinPosition)
    {
        if (Aeron.NULL_VALUE == awaitedRegistrationId || subscriptionRegistrationId != awaitedRegistrationId)
        {
            return -1;
        }

        awaitedRegistrationId = Aeron.NULL_VALUE;
        return Math.max(0, joinPosition - cutLoosePosition);
    }

    /**
     * Take the messages delivered since the last call, from the adapter being polled.
     */
    long takeDelivered()
    {
        final DataAdapter adapter = this.adapter;
        return null == adapter ? 0 : adapter.takeDelivered();
    }

    private DataAdapter newAdapter(final Subscription subscription)
    {
        return new DataAdapter(subscription, kind, groups, handlers, serviceHandlers, null, errorHandler,
            counters.malformedFrames, counters.unhandledMessages, fragmentLimit);
    }

    /**
     * Close the subscription and any the stream is still waiting for.
     */
    @Override
    public void close()
    {
        isClosed = true;
        CloseHelper.quietClose(adapter);
        final long registrationId = pendingRegistrationId;
        if (Aeron.NULL_VALUE != registrationId && !aeron.isClosed())
        {
            pendingRegistrationId = Aeron.NULL_VALUE;
            CloseHelper.quietClose(() -> aeron.asyncRemoveSubscription(registrationId));
        }
    }
}
