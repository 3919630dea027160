package io.clustr;

import io.aeron.Aeron;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;

import java.util.function.Consumer;

/**
 * A node's message handlers and the data subscriptions they need. The private stream is subscribed at start; the
 * public stream with the first public handler and the group stream with the first group handler, never before (an
 * IPC publication is flow-controlled by its slowest subscriber, so a node that does not listen must not consume).
 * The adapter is created on the caller's thread, linked to the stream's log before the call returns (one driver round
 * trip, see {@link Subscribers}), so messages published after {@code onPublic} returns are delivered, and handed to
 * the agent, which polls it from its next cycle.
 */
final class DataSubscriptions implements AutoCloseable
{
    private final Aeron aeron;
    private final String channel;
    private final int publicStreamId;
    private final String group;
    private final int fragmentLimit;
    private final ErrorHandler errorHandler;
    private final NodeCounters counters;
    private final GroupRegistry groups;
    private final HandlerList publicHandlers = new HandlerList();
    private final HandlerList privateHandlers = new HandlerList();
    private final HandlerList groupHandlers = new HandlerList();
    private final DataAdapter privateAdapter;
    private DataAdapter publicAdapter;
    private DataAdapter groupAdapter;
    private boolean isClosed;

    DataSubscriptions(
        final Aeron aeron,
        final String channel,
        final long nodeId,
        final int publicStreamId,
        final String group,
        final int fragmentLimit,
        final ErrorHandler errorHandler,
        final NodeCounters counters,
        final GroupRegistry groups)
    {
        this.aeron = aeron;
        this.channel = channel;
        this.publicStreamId = publicStreamId;
        this.group = group;
        this.fragmentLimit = fragmentLimit;
        this.errorHandler = errorHandler;
        this.counters = counters;
        this.groups = groups;
        this.privateAdapter = new DataAdapter(
            aeron.addSubscription(channel, Configuration.privateStreamId(nodeId)), Channel.Kind.PRIVATE, groups,
            privateHandlers, errorHandler, counters.malformedFrames, counters.unhandledMessages, fragmentLimit);
    }

    DataAdapter privateAdapter()
    {
        return privateAdapter;
    }

    void addPrivateHandler(final MessageHandler handler)
    {
        privateHandlers.add(handler);
    }

    /**
     * @param handler     to add.
     * @param onSubscribe given the new adapter when this is the first public handler.
     */
    void addPublicHandler(final MessageHandler handler, final Consumer<DataAdapter> onSubscribe)
    {
        publicHandlers.add(handler);
        synchronized (this)
        {
            if (null == publicAdapter)
            {
                checkOpen();
                publicAdapter = new DataAdapter(
                    Subscribers.awaitLinked(aeron, aeron.addSubscription(channel, publicStreamId)), Channel.Kind.PUBLIC,
                    groups, publicHandlers, errorHandler, counters.malformedFrames, counters.unhandledMessages,
                    fragmentLimit);
                onSubscribe.accept(publicAdapter);
            }
        }
    }

    /**
     * @param handler     to add.
     * @param onSubscribe given the new adapter when this is the first group handler.
     */
    void addGroupHandler(final MessageHandler handler, final Consumer<DataAdapter> onSubscribe)
    {
        groupHandlers.add(handler);
        synchronized (this)
        {
            if (null == groupAdapter)
            {
                checkOpen();
                final int groupId = groups.idOf(group);
                if (groupId <= GroupRegistry.NO_GROUP_ID)
                {
                    throw new ClustrException("group '" + group + "' has no id: the master assigns it when the " +
                        "worker joins, so subscribe to the group after the worker has joined");
                }
                final int streamId = Configuration.groupStreamId(groupId);
                groupAdapter = new DataAdapter(
                    Subscribers.awaitLinked(aeron, aeron.addSubscription(channel, streamId)),
                    Channel.Kind.GROUP, groups, groupHandlers, errorHandler,
                    counters.malformedFrames, counters.unhandledMessages, fragmentLimit);
                onSubscribe.accept(groupAdapter);
            }
        }
    }

    private void checkOpen()
    {
        if (isClosed)
        {
            throw new ClustrException("node is closed: create a new one to keep working");
        }
    }

    @Override
    public synchronized void close()
    {
        isClosed = true;
        CloseHelper.quietCloseAll(privateAdapter, publicAdapter, groupAdapter);
    }
}
