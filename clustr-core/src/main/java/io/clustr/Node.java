package io.clustr;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.exceptions.ClientTimeoutException;
import io.aeron.exceptions.ConductorServiceTimeoutException;
import io.aeron.exceptions.DriverTimeoutException;
import io.clustr.spawn.ChildProcess;
import io.clustr.spawn.ChildState;
import io.clustr.spawn.CpuSet;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.Pinning;
import io.clustr.spawn.Spec;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.CountedErrorHandler;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A process of a clustr cluster: the {@link Master} or a {@link Worker}.
 * <p>
 * Every node attaches to the host's media driver with one Aeron client and runs one duty-cycle agent that polls its
 * streams and calls its handlers. Any node can publish on any stream, confirm, spawn children and kill any other node
 * by id. Methods may be called from any thread unless they say otherwise: they publish through the calling thread's
 * own encoder, read immutable snapshots of the cluster, or hand a command to the agent, and never wait on the
 * agent's state. Handlers run on the duty-cycle thread and must not block it (in particular, do not wait on a future
 * returned by {@link #killWorker(long, int)} inside a handler).
 */
public abstract sealed class Node implements AutoCloseable permits Master, Worker
{
    /**
     * Environment variable with the media driver directory of the cluster, set for spawned children.
     */
    public static final String AERON_DIR_ENV = "CLUSTR_AERON_DIR";

    /**
     * Environment variable with the term length of the cluster's logs, set for spawned children.
     */
    public static final String TERM_LENGTH_ENV = "CLUSTR_TERM_LENGTH";

    /**
     * Environment variable with a worker's group, used when the worker's code gives none ({@code Options.group}):
     * {@code clustr run} sets it from a spec's {@code group} key.
     */
    public static final String GROUP_ENV = "CLUSTR_GROUP";

    private final Context<?> ctx;
    private final long id;
    private final String group;
    private final Aeron aeron;
    private final NodeCounters counters;
    private final ErrorHandler errorHandler;
    private final Membership membership = new Membership();
    private final DataSubscriptions subscriptions;
    private final ControlPublisher controlPublisher;
    private final ControlAdapter controlAdapter;
    private final ConfirmationAdapter confirmationAdapter;
    private final Confirmations confirmations;
    private final Routes routes;
    private final GroupRegistry groups;
    private final DataPublisher dataPublisher;
    private final Acknowledgements acks;
    private final ServiceFrames services;
    private final SpawnBridge spawnBridge;
    private final NodeAgent agent;
    private final AgentRunner runner;
    private final AgentInvoker invoker;
    private final CopyOnWriteArrayList<KillHandler> killHandlers = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<MissedListener> missedListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean isClosed = new AtomicBoolean();
    private final AtomicBoolean isReleased = new AtomicBoolean();
    private final NodeTermination termination;
    private volatile boolean isDriverGone;
    private volatile Throwable aeronClosedBy;
    private volatile int pinnedCpu = -1;

    Node(final Context<?> ctx, final Aeron aeron, final long id, final String group, final long parentPid)
    {
        this.ctx = ctx;
        this.aeron = aeron;
        this.id = id;
        this.group = group;
        final boolean isMaster = this instanceof Master;
        final String channel = NodeClient.channel(ctx);
        final String untetheredChannel = NodeClient.untethered(channel);
        final NodeAgent[] agentRef = new NodeAgent[1];
        final BroadcastStream.Agent streamAgent = forwardTo(agentRef);

        NodeCounters counters = null;
        DataSubscriptions subscriptions = null;
        ControlAdapter controlAdapter = null;
        ConfirmationAdapter confirmationAdapter = null;
        ControlPublisher controlPublisher = null;
        Routes routes = null;
        GroupRegistry groups = null;
        DataPublisher dataPublisher = null;
        Acknowledgements acks = null;
        try
        {
            groups = isMaster ? GroupRegistry.master(aeron, ProcessHandle.current().pid()) :
                new GroupRegistry(aeron, -1);
            counters = new NodeCounters(aeron, new MemberInfo(id, ctx.parentId(), ProcessHandle.current().pid(),
                ctx.restarts(), -1, startTimeMs(), group, ctx.name(), ""));
            errorHandler = new CountedErrorHandler(ctx.errorHandler(), counters.errors);
            ctx.errorRelay().attach(this);
            confirmations = isMaster ? new Confirmations(errorHandler) : null;

            controlAdapter = new ControlAdapter(
                aeron.addSubscription(channel, ctx.controlStreamId()), counters.malformedFrames);
            confirmationAdapter = isMaster ? new ConfirmationAdapter(
                aeron.addSubscription(channel, ctx.confirmationStreamId()), confirmations, counters.malformedFrames) :
                null;
            controlPublisher = new ControlPublisher(aeron.addPublication(channel, ctx.controlStreamId()));
            routes = new Routes(aeron, channel, id, GroupRegistry.NO_GROUP_ID, groups, membership::view,
                ctx.publicStreamId(), ctx.confirmationStreamId(), ctx.privatePublicationCache());
            dataPublisher = new DataPublisher(id, group, ctx.termLength(), ctx.publishTimeoutNs(),
                ctx.handlerPublishTimeoutNs(), routes, aeron.countersReader(), isClosed::get);
            counters.sentBy(dataPublisher);
            acks = new Acknowledgements(dataPublisher, membership::view);
            subscriptions = new DataSubscriptions(aeron, channel, id, ctx.publicStreamId(), group,
                ctx.fragmentLimit(), new CountedErrorHandler(errorHandler, counters.handlerErrors), counters, groups,
                ctx.isTethered(Channel.Kind.PUBLIC) ? channel : untetheredChannel,
                ctx.isTethered(Channel.Kind.GROUP) ? channel : untetheredChannel, streamAgent, acks);

            final ProcessHandle parent = parentPid > 0 ? ProcessHandle.of(parentPid).orElse(null) : null;
            if (parentPid > 0 && null == parent)
            {
                throw new ClustrException("parent process " + parentPid + " has already exited: not starting");
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(routes, controlPublisher, confirmationAdapter, controlAdapter, subscriptions,
                counters, groups);
            throw ex;
        }

        this.counters = counters;
        this.subscriptions = subscriptions;
        this.controlAdapter = controlAdapter;
        this.confirmationAdapter = confirmationAdapter;
        this.controlPublisher = controlPublisher;
        this.routes = routes;
        this.groups = groups;
        this.dataPublisher = dataPublisher;
        this.acks = acks;
        this.services = new ServiceFrames(dataPublisher, subscriptions,
            (stream) -> agentRef[0].submit(() -> agentRef[0].onPublicStream(stream)));

        final String roleName = isMaster ? "clustr-master" : "clustr-" + group + "-" + id;
        final ProcessHandle parent = parentPid > 0 ? ProcessHandle.of(parentPid).orElse(null) : null;
        this.spawnBridge = new SpawnBridge(
            this, ctx, this::nextWorkerId, errorHandler, (command) -> agentRef[0].submit(command), controlPublisher);
        this.agent = new NodeAgent(this, roleName, ctx.killGraceNs(), aeron, errorHandler, controlAdapter,
            controlPublisher, subscriptions.privateAdapter(), confirmationAdapter, routes, groups, membership,
            spawnBridge, acks, counters, parent);
        agentRef[0] = agent;

        final ErrorHandler runnerErrorHandler = runnerErrorHandler(errorHandler);
        invoker = ctx.useAgentInvoker() ? new AgentInvoker(runnerErrorHandler, null, agent) : null;
        runner = ctx.useAgentInvoker() ? null : new AgentRunner(ctx.idleStrategy(), runnerErrorHandler, null, agent);
        termination = new NodeTermination(
            this, ctx, agent, runner, invoker, spawnBridge, killHandlers, errorHandler, isClosed);

        if (null != invoker)
        {
            invoker.start();
        }
        else
        {
            AgentRunner.startOnThread(runner, this::newAgentThread);
        }
    }

    private static ErrorHandler runnerErrorHandler(final ErrorHandler errorHandler)
    {
        return (throwable) ->
        {
            if (!(throwable instanceof NodeLeft))
            {
                errorHandler.onError(throwable);
            }
        };
    }

    /**
     * The streams are made before the agent: their events go to it once it exists (none can come before a public or
     * group handler is added, after the node is built).
     */
    private static BroadcastStream.Agent forwardTo(final NodeAgent[] agentRef)
    {
        return new BroadcastStream.Agent()
        {
            public void submit(final Runnable command)
            {
                agentRef[0].submit(command);
            }

            public void onCutLoose(
                final BroadcastStream stream,
                final Subscription subscription,
                final int sessionId,
                final long position)
            {
                agentRef[0].onCutLoose(stream, subscription, sessionId, position);
            }

            public void onMissed(final BroadcastStream stream, final long bytesMissed)
            {
                agentRef[0].onMissed(stream, bytesMissed);
            }
        };
    }

    private Thread newAgentThread(final Runnable runnable)
    {
        final CpuSet cpus = ctx.cpus();
        final Runnable pinned = cpus.isEmpty() ? runnable : () ->
        {
            try (Pinning.PinnedThread pin = Pinning.pinCurrentThread(cpus.first()))
            {
                pinnedCpu = pin.cpuId();
                counters.pinnedCpu.setRelease(pin.cpuId());
                runnable.run();
            }
        };

        final Thread thread = ctx.threadFactory().newThread(pinned);
        dataPublisher.agentThread(thread);
        return thread;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Public API
    // ----------------------------------------------------------------------------------------------------------------

    /**
     * @return this node's id: 0 for the master, unique in the cluster and never reused.
     */
    public final long id()
    {
        return id;
    }

    /**
     * @return this node's group; empty for the master.
     */
    public final String group()
    {
        return group;
    }

    /**
     * @return the media driver directory this node is attached to.
     */
    public final String aeronDirectoryName()
    {
        return ctx.aeronDirectoryName();
    }

    /**
     * @return the CPU this node's duty-cycle thread holds an affinity lock on, or -1 when it is not pinned.
     */
    public final int pinnedCpu()
    {
        return pinnedCpu;
    }

    /**
     * @return true once {@link #close()} has been called or the node was killed.
     */
    public final boolean isClosed()
    {
        return isClosed.get();
    }

    /**
     * @return true once the master has acknowledged this node's join and its confirmations reach the master; always
     * true for the master. {@code Worker.create} returns only then, unless the node runs in invoker mode.
     */
    public final boolean isJoined()
    {
        final CompletableFuture<Void> joined = agent.joined();
        return joined.isDone() && !joined.isCompletedExceptionally();
    }

    /**
     * The invoker of this node's duty cycle when its context has {@link Context#useAgentInvoker(boolean)} set: the
     * caller then runs the node by calling {@link AgentInvoker#invoke()} (no thread is started), for example to drive
     * several nodes deterministically from one test thread.
     *
     * @return the invoker, or null when the node runs its own thread.
     */
    public final AgentInvoker agentInvoker()
    {
        return invoker;
    }

    /**
     * Add a handler for messages published to {@link Channel#PUBLIC}. Handlers added later add to, not replace,
     * earlier ones; each is called once per message, on the duty-cycle thread.
     * <p>
     * A node subscribes to the public stream when its first public handler is added (this call returns once the
     * subscription is in place, so messages published after it returns are delivered). A node without a public
     * handler does not consume the stream at all, so it never slows down its publishers.
     *
     * @param handler to add.
     * @return this node.
     */
    public Node onPublic(final MessageHandler handler)
    {
        checkOpen();
        subscriptions.addPublicHandler(handler, (stream) -> agent.submit(() -> agent.onPublicStream(stream)));
        return this;
    }

    /**
     * Add a handler for messages published to this node's private stream, {@code Channel.worker(id())}.
     *
     * @param handler to add.
     * @return this node.
     */
    public Node onPrivate(final MessageHandler handler)
    {
        subscriptions.addPrivateHandler(handler);
        return this;
    }

    /**
     * Add a kill hook: it runs when this node is killed with {@link #killWorker(long, int)}, before the node leaves
     * and the process exits with the requested code.
     *
     * @param handler to add.
     * @return this node.
     */
    public Node onKill(final KillHandler handler)
    {
        killHandlers.add(Objects.requireNonNull(handler, "kill handler must not be null"));
        return this;
    }

    /**
     * Add a listener told when this node was cut loose from the public or its group stream because it fell too far
     * behind (a handler that ran long, a process that was stopped), and resumed on the stream's live position: the
     * messages in between were not delivered to it, and the listener gets how many bytes of the stream that was.
     * Called on the duty-cycle thread, once per gap, after the node has resumed and before any message after the
     * gap. The node's counters ({@link ClustrCounters#CUT_LOOSE_TYPE_ID}, {@link ClustrCounters#BYTES_MISSED_TYPE_ID})
     * count the same.
     * <p>
     * Only the public and group streams cut a node loose (so that one slow subscriber never holds up the others, see
     * {@link Configuration#UNTETHERED_WINDOW_LIMIT_TIMEOUT_PROP_NAME}); private and confirmation streams never do.
     *
     * @param listener to add.
     * @return this node.
     */
    public Node onMissed(final MissedListener listener)
    {
        missedListeners.add(Objects.requireNonNull(listener, "missed listener must not be null"));
        return this;
    }

    /**
     * Add a listener for the lifecycle of the workers this node spawns (fork, online, exit, respawn gave up). Called
     * on the duty-cycle thread.
     *
     * @param listener to add.
     * @return this node.
     */
    public Node onLifecycle(final LifecycleListener listener)
    {
        spawnBridge.addListener(listener);
        return this;
    }

    /**
     * Publish text, encoded as UTF-8. Blocks while the stream is back-pressured, up to the publish timeout.
     *
     * @param channel where to publish.
     * @param text    the payload.
     * @throws NullPointerException if the channel or text is null.
     * @throws ClustrException      if the node is closed, the target has left, or the publish timed out.
     * @see #publish(Channel, DirectBuffer, int, int)
     */
    public final void publish(final Channel channel, final String text)
    {
        Objects.requireNonNull(text, "payload must not be null: publish an empty string for an empty message");
        publish(channel, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Publish bytes. Blocks while the stream is back-pressured, up to the publish timeout.
     *
     * @param channel where to publish.
     * @param bytes   the payload.
     * @throws NullPointerException if the channel or bytes is null.
     * @throws ClustrException      if the node is closed, the target has left, or the publish timed out.
     * @see #publish(Channel, DirectBuffer, int, int)
     */
    public final void publish(final Channel channel, final byte[] bytes)
    {
        Objects.requireNonNull(bytes, "payload must not be null: publish new byte[0] for an empty message");
        dataPublisher.publish(channel, bytes);
    }

    /**
     * Publish a region of a buffer, copied once straight into the stream's log (zero copy otherwise, and no
     * allocation). On the public and group streams a message published while nobody subscribes reaches nobody and
     * succeeds. On a private stream it waits for the target to be connected, up to the publish timeout; if the target
     * is known to have left, it fails at once. On any stream it waits while back-pressured, up to the publish timeout;
     * on the node's own duty-cycle thread (inside a handler or callback) only up to the handler publish timeout
     * (100 ms by default, {@link Configuration#HANDLER_PUBLISH_TIMEOUT_PROP_NAME}), because the node drains none of
     * its streams while it waits.
     * <p>
     * The largest message is an eighth of the term length (524,288 bytes with the default 4 MiB terms), the same for
     * every sender; messages longer than the MTU less Aeron's 32 byte header (1,376 bytes by default) are fragmented
     * and reassembled.
     *
     * @param channel where to publish.
     * @param buffer  holding the payload.
     * @param offset  of the payload in the buffer.
     * @param length  of the payload in bytes.
     * @throws NullPointerException     if the channel or buffer is null.
     * @throws IllegalArgumentException if offset and length are outside the buffer, or the message is larger than
     *                                  the largest the cluster's term length allows.
     * @throws BackPressureException    if the stream stayed back-pressured for the timeout.
     * @throws ClustrException          if the node is closed, the target has left, or it did not connect in time.
     */
    public final void publish(final Channel channel, final DirectBuffer buffer, final int offset, final int length)
    {
        dataPublisher.publish(channel, buffer, offset, length);
    }

    /**
     * Claim space for one message in a stream's log, to encode it in place (zero copy), then {@link Claim#commit()}
     * it. Waits as {@link #publish(Channel, DirectBuffer, int, int)} does; where that would deliver to nobody (no
     * subscriber on a public or group stream), the claim is scratch space and its commit delivers to nobody.
     * The calling thread must commit or abort the claim before it publishes again.
     *
     * @param channel a public, group or private channel.
     * @param length  of the payload, at most one frame: the MTU less Aeron's 32 byte header (1,376 bytes by default).
     * @return the claim, owned by the calling thread until committed or aborted.
     * @throws IllegalArgumentException if the channel is {@link Channel#CONFIRMATION} or the length is too large.
     * @throws IllegalStateException    if this thread holds a claim it has not committed or aborted.
     * @throws BackPressureException    if the stream stayed back-pressured for the timeout.
     * @throws ClustrException          if the node is closed, the target has left, or it did not connect in time.
     */
    public final Claim claim(final Channel channel, final int length)
    {
        return dataPublisher.claim(channel, length);
    }

    /**
     * Try to claim space for one message once, without waiting.
     *
     * @param channel a public, group or private channel.
     * @param length  of the payload, at most one frame (see {@link #claim(Channel, int)}).
     * @return the claim, or null if the stream is back-pressured or a private target is not connected yet.
     * @throws IllegalArgumentException if the channel is {@link Channel#CONFIRMATION} or the length is too large.
     * @throws IllegalStateException    if this thread holds a claim it has not committed or aborted.
     * @throws ClustrException          if the node is closed or a private target has left.
     */
    public final Claim tryClaim(final Channel channel, final int length)
    {
        return dataPublisher.tryClaim(channel, length);
    }

    /**
     * Try to publish once, without blocking.
     *
     * @param channel where to publish.
     * @param buffer  holding the payload.
     * @param offset  of the payload in the buffer.
     * @param length  of the payload in bytes.
     * @return true if the message was published (or, on the public and group streams, nobody subscribes); false if
     * the stream is back-pressured or a private target is not connected yet: try again later.
     * @throws ClustrException if the node is closed or a private target has left.
     * @see #publish(Channel, DirectBuffer, int, int)
     */
    public final boolean tryPublish(
        final Channel channel, final DirectBuffer buffer, final int offset, final int length)
    {
        return dataPublisher.tryPublish(channel, buffer, offset, length);
    }

    /**
     * Send text (UTF-8) to one node and learn when it has received it: see
     * {@link #send(Channel, DirectBuffer, int, int)}.
     *
     * @param channel {@code Channel.worker(id)}, 0 for the master.
     * @param text    the payload.
     * @return completed once the target's private handlers have run on the message.
     */
    public final CompletableFuture<Void> send(final Channel channel, final String text)
    {
        Objects.requireNonNull(text, "payload must not be null: send an empty string for an empty message");
        return send(channel, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Send bytes to one node and learn when it has received it: see {@link #send(Channel, DirectBuffer, int, int)}.
     *
     * @param channel {@code Channel.worker(id)}, 0 for the master.
     * @param bytes   the payload.
     * @return completed once the target's private handlers have run on the message.
     */
    public final CompletableFuture<Void> send(final Channel channel, final byte[] bytes)
    {
        Objects.requireNonNull(bytes, "payload must not be null: send new byte[0] for an empty message");
        return acks.send(channel, bytes);
    }

    /**
     * Send a message to one node (as Node.js's {@code worker.send} does) and learn when it has received it. The
     * target's private handlers get it as any private message; once they have run on it (returned or thrown), the
     * target acknowledges it, and the returned future completes, on this node's duty-cycle thread (chain slow work
     * with the {@code ...Async} methods). Whatever the handlers published back to this node before returning arrives
     * before the future completes.
     * <p>
     * The future fails with a {@link ClustrException} naming the target as soon as this node knows that the target
     * has left before acknowledging (it exited, was killed or left; typically milliseconds after its death), when the
     * target has already left, when the publish times out (as {@link #publish(Channel, DirectBuffer, int, int)} does),
     * or when this node closes first. A message costs 8 bytes more than a publish (the correlation id), so the largest
     * is 8 bytes less.
     *
     * @param channel {@code Channel.worker(id)}, 0 for the master.
     * @param buffer  holding the payload.
     * @param offset  of the payload in the buffer.
     * @param length  of the payload in bytes.
     * @return completed once the target's private handlers have run on the message.
     * @throws IllegalArgumentException if the channel is not private, offset and length are outside the buffer, or
     *                                  the message is too large.
     */
    public final CompletableFuture<Void> send(
        final Channel channel, final DirectBuffer buffer, final int offset, final int length)
    {
        Objects.requireNonNull(channel, "channel must not be null: send to Channel.worker(id)");
        return acks.send(channel, buffer, offset, length);
    }

    /**
     * Add a listener told of every worker that joins the cluster and every node that leaves it, whoever spawned it:
     * first of every current member, then of each change. Called on the duty-cycle thread.
     *
     * @param listener to add.
     * @return this node.
     */
    public Node onMembership(final MembershipListener listener)
    {
        Objects.requireNonNull(listener, "membership listener must not be null");
        agent.submit(() -> agent.onAddMembershipListener(listener));
        return this;
    }

    /**
     * The service frames of this node: frames of layers built on clustr (such as {@code io.clustr.patterns}), carried
     * on the same streams as messages but handed only to service handlers.
     *
     * @return this node's service frames.
     */
    public final ServiceFrames services()
    {
        return services;
    }

    /**
     * Confirm to the master: counted by its {@code onConfirmation} registrations for this id. Same as publishing the
     * id to {@link Channel#CONFIRMATION}.
     *
     * @param confirmationId e.g. {@code "ready"}.
     * @throws NullPointerException if the id is null.
     * @throws ClustrException      if the node is closed or no master is connected within the publish timeout.
     */
    public final void confirm(final String confirmationId)
    {
        Objects.requireNonNull(confirmationId, "confirmation id must not be null, e.g. confirm(\"ready\")");
        publish(Channel.CONFIRMATION, confirmationId);
    }

    /**
     * Announce that this node listens on a server socket: Node's cluster {@code 'listening'} event. The node that
     * spawned this one calls its lifecycle listeners' {@link LifecycleListener#onListening(WorkerHandle,
     * InetSocketAddress)} with this node's handle and the address (the announcement is a control frame, so every
     * node sees it; only the parent has a handle to report). Announce once per socket, after binding it; several
     * workers that share a port through SO_REUSEPORT each announce it. A node that has not joined yet (invoker mode)
     * sends the announcement once it has, so its parent always sees {@code onOnline} first. Returns at once; the
     * announcement is sent by the duty cycle, in order with this node's other control frames.
     *
     * @param address the address and port the socket is bound to, e.g. {@code channel.getLocalAddress()}: an IP
     *                address (the wildcard {@code 0.0.0.0} or {@code ::} for every interface) and a port in
     *                1..65535.
     * @throws NullPointerException     if the address is null.
     * @throws IllegalArgumentException if the address is unresolved or its port is 0 (not bound yet).
     * @throws ClustrException          if the node is closed.
     */
    public final void announceListening(final InetSocketAddress address)
    {
        Objects.requireNonNull(address, "address must not be null: announce the address the socket is bound to, " +
            "e.g. channel.getLocalAddress()");
        if (address.isUnresolved())
        {
            throw new IllegalArgumentException("address " + address + " is unresolved: announce the IP address the " +
                "socket is bound to, e.g. channel.getLocalAddress()");
        }
        if (0 == address.getPort())
        {
            throw new IllegalArgumentException("port 0 in " + address + " is not a bound port: bind the socket " +
                "first and announce its local address, e.g. channel.getLocalAddress()");
        }
        checkOpen();

        agent.submit(() -> agent.onAnnounceListening(address));
    }

    /**
     * Spawn child processes from specs: JVMs running a main class with this process's java and class path, or any
     * command. Each child knows the cluster from its environment, so {@code Worker.create(group(...))} in its main
     * needs no other setup. All specs are checked before any process starts.
     *
     * @param specs what to start, e.g. {@code List.of(spec("com.acme.WebWorker", cpu(1)))}.
     * @return a handle per spec, in order.
     * @throws IllegalArgumentException if the list is empty or a spec is invalid (e.g. a CPU this machine lacks).
     * @throws ClustrException          if the node is closed.
     */
    public final List<WorkerHandle> spawn(final List<Spec> specs)
    {
        Objects.requireNonNull(specs, "specs must not be null: e.g. spawn(List.of(spec(\"com.acme.WebWorker\")))");
        checkOpen();
        if (specs.isEmpty())
        {
            throw new IllegalArgumentException(
                "spawn needs at least one spec: e.g. spawn(List.of(spec(\"com.acme.WebWorker\")))");
        }

        return spawnBridge.spawn(specs);
    }

    /**
     * Kill a node of the cluster by id: it runs its kill hooks, leaves, and its process exits with
     * {@code exitCode}. If it has not exited after the kill grace period, its parent kills it forcibly. A worker
     * killed with 0 is never respawned; with any other code its spec's respawn policy applies (so
     * {@code killWorker(id, 1)} restarts a worker whose policy is the default, on failure).
     * <p>
     * The future completes on this node's duty-cycle thread: do not block on it inside a handler.
     *
     * @param workerId id of the node to kill; this node's own id kills this process (the future then completes,
     *                 with the code, once the node has closed, just before the process exits).
     * @param exitCode the code the process exits with.
     * @return completes with the process's exit as its parent saw it (for a worker started by hand, the code it
     * left with), or exceptionally if no exit is seen within the grace period plus 10 s.
     * @throws ClustrException if the node is closed, or no node has that id (the message says whether it has
     *                         already exited).
     */
    public final CompletableFuture<ExitStatus> killWorker(final long workerId, final int exitCode)
    {
        checkOpen();
        final CompletableFuture<ExitStatus> future = new CompletableFuture<>();
        if (workerId == id)
        {
            termination.exit(exitCode, true, "killed itself with exit code " + exitCode, future);
            return future;
        }

        final Membership.View view = membership.view();
        final ChildProcess child = spawnBridge.child(workerId);
        final boolean isKnown = view.isMember(workerId) || (0 == workerId && !(this instanceof Master)) ||
            (null != child && child.state() != ChildState.EXITED);
        if (!isKnown)
        {
            final ExitStatus departure = view.departure(workerId);
            if (null != departure)
            {
                throw new ClustrException("worker " + workerId + " has already exited: " + departure.reason());
            }

            final List<Long> ids = new ArrayList<>();
            view.members().forEach((member) -> ids.add(member.id()));
            throw new ClustrException("unknown worker id " + workerId + ": no such member of this cluster " +
                "(members: " + ids + ")");
        }

        agent.submit(() -> agent.onKillRequest(workerId, exitCode, future));
        return future;
    }

    /**
     * The cluster as this node sees it: every worker that has joined (from their join frames, kept current by leave
     * and exit frames), plus this node's own children that are still starting.
     *
     * @return the workers, ordered by id.
     */
    public final List<WorkerInfo> workers()
    {
        final List<WorkerInfo> workers = new ArrayList<>();
        final long nowMs = System.currentTimeMillis();
        final Membership.View view = membership.view();

        for (final MemberInfo member : view.members())
        {
            final ChildProcess child = spawnBridge.child(member.id());
            workers.add(new WorkerInfo(
                member.id(),
                member.parentId(),
                member.group(),
                member.name(),
                member.pid(),
                member.cpus(),
                member.pinnedCpu(),
                null == child ? ChildState.ONLINE : child.state(),
                member.restarts(),
                Duration.ofMillis(Math.max(0, nowMs - member.startTimeMs())),
                null == child ? Optional.empty() : child.lastExit()));
        }

        for (final ChildProcess child : spawnBridge.children())
        {
            if (!view.isMember(child.id()) && child.state() != ChildState.EXITED)
            {
                workers.add(new WorkerInfo(
                    child.id(),
                    id,
                    "",
                    child.spec().name(),
                    child.pid(),
                    child.spec().cpus().toList(),
                    -1,
                    child.state(),
                    child.restarts(),
                    child.uptime(),
                    child.lastExit()));
            }
        }

        workers.sort(Comparator.comparingLong(WorkerInfo::id));
        return workers;
    }

    /**
     * @return the pid of the master process, or -1 if not known yet.
     */
    public final long masterPid()
    {
        return agent.masterPid();
    }

    /**
     * Wait until this node is closed (by {@link #close()}, a kill, or the loss of its parent or driver).
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    public final void awaitTermination() throws InterruptedException
    {
        termination.terminated().await();
    }

    /**
     * Wait until this node is closed, or the timeout passes.
     *
     * @param timeout how long to wait.
     * @return true if the node is closed.
     * @throws InterruptedException if interrupted while waiting.
     */
    public final boolean awaitTermination(final Duration timeout) throws InterruptedException
    {
        return termination.terminated().await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Leave the cluster and release everything: children this node spawned are stopped (asked to exit with 0, killed
     * forcibly after the kill grace period) and none is respawned; then the node says it leaves, its agent stops and
     * only then are its Aeron client (if it owns it) and the master's embedded driver closed, the driver's directory
     * deleted. Idempotent. Called from a handler, it returns at once and the close completes on another thread. If a
     * handler does not return within 10 s (500 ms in a shutdown hook), close returns without waiting for it, and the
     * client is closed by the agent's thread once the handler returns, so nothing ever touches an unmapped log.
     */
    @Override
    public final void close()
    {
        close(0);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return getClass().getSimpleName() + "{id=" + id + ", group=" + group + ", dir=" + ctx.aeronDirectoryName() +
            "}";
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Closing and exiting
    // ----------------------------------------------------------------------------------------------------------------

    final void close(final int exitCode)
    {
        termination.close(exitCode);
    }

    final SpawnBridge spawnBridge()
    {
        return spawnBridge;
    }

    /**
     * Called on the agent's thread once it has stopped (its last duty cycle is over).
     */
    final void onAgentStopped()
    {
        termination.onAgentStopped();
    }

    void onKilled(final int exitCode, final long requesterId)
    {
        termination.exit(exitCode, true, requesterId < 0 ?
            "killed by an operator (clustr kill, pid " + -requesterId + ")" : "killed by node " + requesterId, null);
    }

    /**
     * A spec whose respawn policy escalates was given up: stop the children, leave and exit with the code.
     */
    void onSupervisionFailed(final int exitCode, final String why)
    {
        termination.exit(exitCode, false, why, null);
    }

    void onOrphaned(final String why)
    {
        if (ctx.exitOnOrphan())
        {
            termination.exit(isDriverGone || aeron.isClosed() ? 1 : 0, false, why, null);
        }
        else
        {
            NodeLog.logger().log(
                System.Logger.Level.WARNING, "clustr: node " + id + " (" + nameForLog() + ") is closing: " + why);
            close(0);
        }
    }

    final String nameForLog()
    {
        return this instanceof Master ? "master" : group;
    }

    /**
     * The node has begun to close (any thread, once): publishing threads stop using their cached routes, and their
     * next publish finds the node closed.
     */
    final void onClosing()
    {
        routes.invalidate();
    }

    /**
     * Close what the node owns, once, after its agent has stopped: nothing may touch a log after this.
     */
    final void release()
    {
        if (isReleased.compareAndSet(false, true))
        {
            dataPublisher.close();
            CloseHelper.quietCloseAll(routes, controlPublisher, confirmationAdapter, controlAdapter, subscriptions,
                counters, groups);
            CloseHelper.quietClose(ctx::close);
            onClosed();
        }
    }

    /**
     * Release what a subclass owns beyond the node, after the Aeron client is closed; may be called twice.
     */
    void onClosed()
    {
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Used by the agent, subclasses and the error relay
    // ----------------------------------------------------------------------------------------------------------------

    /**
     * The agent starts a duty cycle: publishes from its handlers get a fresh waiting budget.
     */
    final void beginDutyCycle()
    {
        dataPublisher.beginDutyCycle();
    }

    final void onAeronError(final Throwable ex)
    {
        if (ex instanceof DriverTimeoutException)
        {
            isDriverGone = true;
        }
        if ((ex instanceof DriverTimeoutException || ex instanceof ClientTimeoutException ||
            ex instanceof ConductorServiceTimeoutException) && null == aeronClosedBy)
        {
            aeronClosedBy = ex;
        }
        errorHandler.onError(ex);
    }

    /**
     * @return why this node's Aeron client has closed by itself, from the error that closed it.
     */
    final String whyAeronClosed()
    {
        return NodeClient.whyClosed(aeronClosedBy, aeron.context().interServiceTimeoutNs());
    }

    /**
     * On the agent: this node was cut loose from a stream and has resumed on it, {@code bytesMissed} later.
     */
    final void onMissed(final Channel.Kind stream, final long bytesMissed)
    {
        counters.bytesMissed.getAndAddRelease(bytesMissed);
        for (final MissedListener listener : missedListeners)
        {
            try
            {
                listener.onMissed(stream, bytesMissed);
            }
            catch (final AgentTerminationException ex)
            {
                throw ex;
            }
            catch (final Throwable ex)
            {
                errorHandler.onError(ex);
            }
        }
    }

    /**
     * Wait for the master's acknowledgement of this worker's join.
     */
    final void awaitJoined(final long timeoutNs)
    {
        if (null != invoker)
        {
            return;
        }

        try
        {
            agent.joined().get(timeoutNs, TimeUnit.NANOSECONDS);
        }
        catch (final TimeoutException ex)
        {
            close();
            throw new ClustrException("worker " + id + " could not join within " +
                TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms: no master answered on the media driver in " +
                ctx.aeronDirectoryName() + " (is the master running? see " + Configuration.JOIN_TIMEOUT_PROP_NAME +
                ")", ex);
        }
        catch (final ExecutionException ex)
        {
            close();
            throw new ClustrException("worker " + id + " could not join: " + ex.getCause().getMessage(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            close();
            throw new ClustrException("interrupted while worker " + id + " was joining", ex);
        }
    }

    final MemberInfo self()
    {
        return new MemberInfo(
            id,
            ctx.parentId(),
            ProcessHandle.current().pid(),
            ctx.restarts(),
            pinnedCpu,
            startTimeMs(),
            group,
            ctx.name(),
            ctx.cpus().toList());
    }

    private static long startTimeMs()
    {
        return ProcessHandle.current().info().startInstant().map((i) -> i.toEpochMilli())
            .orElse(System.currentTimeMillis());
    }

    final Confirmations confirmations()
    {
        return confirmations;
    }

    /**
     * Add a handler for this worker's group stream, subscribing to it with the first handler.
     */
    final void addGroupHandler(final MessageHandler handler)
    {
        checkOpen();
        subscriptions.addGroupHandler(handler, (stream) -> agent.submit(() -> agent.onGroupStream(stream)));
    }

    private long nextWorkerId()
    {
        return checkWorkerId(aeron.nextCorrelationId());
    }

    /**
     * @param workerId a new worker's id.
     * @return the id, if it has a private stream.
     * @throws ClustrException if it is beyond the private stream range.
     */
    static long checkWorkerId(final long workerId)
    {
        if (workerId > Configuration.MAX_WORKER_ID)
        {
            throw new ClustrException("worker id " + workerId + " is beyond the private stream range: restart the " +
                "media driver to reset ids");
        }

        return workerId;
    }

    private void checkOpen()
    {
        if (isClosed.get())
        {
            throw new ClustrException("node " + id + " is closed: create a new one to keep working");
        }
    }

    /**
     * How the agent stops once its node has left: expected, so not reported as an error.
     */
    static final class NodeLeft extends AgentTerminationException
    {
        private static final long serialVersionUID = 1L;

        NodeLeft(final long nodeId)
        {
            super("node " + nodeId + " left", null, false, false);
        }
    }

    /**
     * Configuration shared by {@link Master.Context} and {@link Worker.Context}, Aeron style: fields start from
     * {@link Configuration} (system properties), fluent setters override them, and {@link #conclude()} checks them
     * once before the node starts. A context belongs to the node it launched, which closes it: do not reuse it. The
     * settings themselves are in {@link NodeContext}.
     *
     * @param <C> the concrete context type, for fluent setters.
     */
    public abstract static class Context<C extends Context<C>> extends NodeContext<C>
    {
        Context()
        {
        }
    }
}
