package io.clustr;

import io.aeron.Aeron;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.UnavailableImageHandler;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.collections.Long2LongHashMap;

import java.util.function.LongConsumer;

/**
 * A node's subscription to the public or its group stream, which is untethered unless the node chose it tethered
 * ({@link NodeContext#isTethered}; the driver then never cuts it loose and the rest below never happens). Untethered,
 * the media driver cuts a subscriber
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
final class BroadcastStream implements UnavailableImageHandler, AutoCloseable
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
        void onCutLoose(BroadcastStream stream, Subscription subscription, int sessionId, long position);

        /**
         * The subscription swapped in after being cut loose resumed a log ahead of where the old one had consumed
         * it: the node missed that many bytes. Called before any message after the gap is delivered.
         */
        void onMissed(BroadcastStream stream, long bytesMissed);
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
    private final Long2LongHashMap cutLoosePositions = new Long2LongHashMap(Aeron.NULL_VALUE);
    private final Long2LongHashMap resumePositions = new Long2LongHashMap(Aeron.NULL_VALUE);
    private final LongConsumer onMissed;
    private volatile long pendingRegistrationId = Aeron.NULL_VALUE;
    private volatile boolean isClosed;

    BroadcastStream(
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
        this.onMissed = (bytesMissed) -> agent.onMissed(this, bytesMissed);
    }

    /**
     * Subscribe, on the caller's thread, and wait until the subscription is linked to the stream's log (see
     * {@link Subscribers#awaitLinked(Aeron, Subscription)}).
     *
     * @return the adapter for the agent to poll.
     */
    DataAdapter subscribe()
    {
        final Subscription subscription = aeron.addSubscription(channel, streamId, null, this);
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
    public void onUnavailableImage(final Image image)
    {
        // Also called for every image of a subscription being closed (ours, when we replace it or the node closes),
        // and when a publication ends normally (end of stream): neither is being cut loose.
        final Subscription subscription = image.subscription();
        if (!isClosed && !subscription.isClosed())
        {
            final int sessionId = image.sessionId();
            if (image.isEndOfStream())
            {
                agent.submit(() -> onEndOfStream(subscription, sessionId));
            }
            else
            {
                final long position = image.position();
                agent.submit(() -> agent.onCutLoose(this, subscription, sessionId, position));
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Agent thread
    // ----------------------------------------------------------------------------------------------------------------

    /**
     * The node was cut loose from one log of {@code subscription}: subscribe again, asynchronously (once, however
     * many of its logs it is cut loose from before the new subscription is swapped in).
     *
     * @param subscription the subscription whose image went unavailable.
     * @param sessionId    of the log its image read.
     * @param position     the image's position when the client closed it (the adapter's own record of what it
     *                     consumed is exact, and preferred when it has one).
     * @return true if a new subscription was asked for (the agent then calls {@link #pollResubscribed()}); false if
     * the event is stale (the subscription was already replaced), one is already asked for, or the stream is closed.
     */
    boolean onCutLoose(final Subscription subscription, final int sessionId, final long position)
    {
        final DataAdapter current = adapter;
        if (isClosed || null == current || current.subscription() != subscription)
        {
            return false;
        }

        counters.cutLoose.incrementRelease();
        cutLoosePositions.put(sessionId, Math.max(position, current.consumedPosition(sessionId)));
        if (Aeron.NULL_VALUE != pendingRegistrationId)
        {
            return false;
        }

        pendingRegistrationId = aeron.asyncAddSubscription(channel, streamId, null, this);
        return true;
    }

    /**
     * A log of {@code subscription} ended: the adapter polling it forgets it.
     */
    private void onEndOfStream(final Subscription subscription, final int sessionId)
    {
        final DataAdapter current = adapter;
        if (null != current && current.subscription() == subscription)
        {
            current.onEndOfStream(sessionId);
        }
    }

    /**
     * Swap in the new subscription once the driver has added it; the old one is closed (asynchronously). The new
     * one skips what the old one consumed of each log, and wherever it resumes a log ahead of that, the gap is what
     * the node missed, told before anything after it is delivered ({@link DataAdapter#resumeAfter}).
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
            cutLoosePositions.clear();
            errorHandler.onError(new ClustrException("could not subscribe again to the " + kind + " stream " +
                streamId + " after being cut loose: " + ex.getMessage(), ex));
            return adapter;
        }

        if (null == subscription)
        {
            return null;
        }

        final DataAdapter old = adapter;
        resumePositions.clear();
        resumePositions.putAll(old.consumedPositions());
        final Long2LongHashMap.EntryIterator cutLoose = cutLoosePositions.entrySet().iterator();
        while (cutLoose.hasNext())
        {
            cutLoose.next();
            if (resumePositions.get(cutLoose.getLongKey()) < cutLoose.getLongValue())
            {
                resumePositions.put(cutLoose.getLongKey(), cutLoose.getLongValue());
            }
        }
        cutLoosePositions.clear();

        final DataAdapter replacement = newAdapter(subscription);
        replacement.resumeAfter(resumePositions, onMissed);
        adapter = replacement;
        pendingRegistrationId = Aeron.NULL_VALUE;
        CloseHelper.quietClose(old);
        replacement.onJoined();

        return replacement;
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
