package io.clustr;

import io.aeron.Aeron;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;

import java.util.function.Consumer;

/**
 * A node's message handlers and the data subscriptions they need. The private stream is subscribed at start; the
 * public stream with the first public handler and the group stream with the first group handler, never before (an
 * IPC publication is flow-controlled by its slowest subscriber, so a node that does not listen must not consume).
 * The subscription is made on the caller's thread, linked to the stream's log before the call returns (one driver
 * round trip, see {@link Subscribers}), so messages published after {@code onPublic} returns are delivered, and
 * handed to the agent, which polls it from its next cycle. The private stream is tethered (its publishers wait for
 * the node, up to the publish timeout); the public and group streams are untethered ({@link BroadcastStream}),
 * unless the node's context makes one tethered ({@link NodeContext#isTethered}): then the same stream logic runs on a
 * subscription the driver never cuts loose.
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
    private final HandlerList serviceHandlers = new HandlerList();
    private final DataAdapter privateAdapter;
    private final String publicChannel;
    private final String groupChannel;
    private final BroadcastStream.Agent streamAgent;
    private BroadcastStream publicStream;
    private BroadcastStream groupStream;
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
        final GroupRegistry groups,
        final String publicChannel,
        final String groupChannel,
        final BroadcastStream.Agent streamAgent,
        final Acknowledgements acks)
    {
        this.aeron = aeron;
        this.channel = channel;
        this.publicStreamId = publicStreamId;
        this.group = group;
        this.fragmentLimit = fragmentLimit;
        this.errorHandler = errorHandler;
        this.counters = counters;
        this.groups = groups;
        this.publicChannel = publicChannel;
        this.groupChannel = groupChannel;
        this.streamAgent = streamAgent;
        this.privateAdapter = new DataAdapter(
            aeron.addSubscription(channel, Configuration.privateStreamId(nodeId)), Channel.Kind.PRIVATE, groups,
            privateHandlers, serviceHandlers, acks, errorHandler, counters.malformedFrames, counters.unhandledMessages,
            fragmentLimit);
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
     * @param onSubscribe given the new stream when this is the first public handler.
     */
    void addPublicHandler(final MessageHandler handler, final Consumer<BroadcastStream> onSubscribe)
    {
        publicHandlers.add(handler);
        subscribePublic(onSubscribe);
    }

    /**
     * Add a handler of service frames, which come on the private and the public stream (and the group stream once
     * the worker subscribes to it): subscribes to the public stream if not yet.
     */
    void addServiceHandler(final MessageHandler handler, final Consumer<BroadcastStream> onSubscribe)
    {
        serviceHandlers.add(handler);
        subscribePublic(onSubscribe);
    }

    private void subscribePublic(final Consumer<BroadcastStream> onSubscribe)
    {
        synchronized (this)
        {
            if (null == publicStream)
            {
                checkOpen();
                final BroadcastStream stream = new BroadcastStream(aeron, publicChannel, publicStreamId,
                    Channel.Kind.PUBLIC, groups, publicHandlers, serviceHandlers, errorHandler, counters, fragmentLimit,
                    streamAgent);
                stream.subscribe();
                publicStream = stream;
                onSubscribe.accept(stream);
            }
        }
    }

    /**
     * @param handler     to add.
     * @param onSubscribe given the new stream when this is the first group handler.
     */
    void addGroupHandler(final MessageHandler handler, final Consumer<BroadcastStream> onSubscribe)
    {
        groupHandlers.add(handler);
        synchronized (this)
        {
            if (null == groupStream)
            {
                checkOpen();
                final int groupId = groups.idOf(group);
                if (groupId <= GroupRegistry.NO_GROUP_ID)
                {
                    throw new ClustrException("group '" + group + "' has no id: the master assigns it when the " +
                        "worker joins, so subscribe to the group after the worker has joined");
                }
                final BroadcastStream stream = new BroadcastStream(aeron, groupChannel,
                    Configuration.groupStreamId(groupId), Channel.Kind.GROUP, groups, groupHandlers, serviceHandlers,
                    errorHandler, counters, fragmentLimit, streamAgent);
                stream.subscribe();
                groupStream = stream;
                onSubscribe.accept(stream);
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
        CloseHelper.quietCloseAll(privateAdapter, publicStream, groupStream);
    }
}
