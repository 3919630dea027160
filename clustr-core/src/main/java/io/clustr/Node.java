package io.clustr;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.aeron.Publication;
import io.aeron.exceptions.ConcurrentConcludeException;
import io.aeron.exceptions.DriverTimeoutException;
import io.clustr.spawn.ChildProcess;
import io.clustr.spawn.ChildState;
import io.clustr.spawn.CpuSet;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.Pinning;
import io.clustr.spawn.Spec;
import io.clustr.spawn.Supervisor;
import io.clustr.spawn.SupervisorListener;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CountedErrorHandler;
import org.agrona.concurrent.IdleStrategy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A process of a clustr cluster: the {@link Master} or a {@link Worker}.
 * <p>
 * Every node attaches to the host's media driver with one Aeron client and runs one duty-cycle thread that polls its
 * streams and calls its handlers. Any node can publish on any stream, confirm, spawn children and kill any other node
 * by id. Methods may be called from any thread unless they say otherwise; handlers run on the duty-cycle thread and
 * must not block it (in particular, do not wait on a future returned by {@link #killWorker(long, int)} inside a
 * handler).
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

    private static final long KILL_REPORT_MARGIN_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int AGENT_STOP_TIMEOUT_MS = 10_000;
    private static final int MAX_CONFIRMATION_ID_LENGTH = 65_534;
    private static final int AGENT_STOP_IN_SHUTDOWN_MS = 200;

    private final Context<?> ctx;
    private final long id;
    private final String group;
    private final byte[] groupBytes;
    private final boolean isMaster;
    private final Aeron aeron;
    private final String channel;
    private final Membership membership = new Membership();
    private final HandlerList publicHandlers = new HandlerList();
    private final HandlerList privateHandlers = new HandlerList();
    private final HandlerList groupHandlers = new HandlerList();
    private final CopyOnWriteArrayList<KillHandler> killHandlers = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<LifecycleListener> lifecycleListeners = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<Long, PendingKill> pendingKills = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, SpawnedWorker> handles = new ConcurrentHashMap<>();
    private final Map<Long, Integer> pendingChildKills = new HashMap<>();
    private final AtomicBoolean isClosed = new AtomicBoolean();
    private final AtomicBoolean isExiting = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    private final Counter errorsCounter;
    private final Counter malformedCounter;
    private final Counter unhandledCounter;
    private final Counter receivedCounter;
    private final Counter pinnedCpuCounter;
    private final ErrorHandler errorHandler;
    private final Confirmations confirmations;
    private final Routes routes;
    private final ControlPublisher controlPublisher;
    private final NodeAgent agent;
    private final AgentRunner runner;
    private final Thread shutdownHook;
    private volatile boolean isDriverGone;
    private volatile boolean isShuttingDown;
    private volatile int pinnedCpu = -1;
    private volatile long masterPid = -1;
    private Supervisor supervisor;
    private DataAdapter publicAdapter;
    private DataAdapter groupAdapter;
    private final FrameWriter agentWriter = new FrameWriter();
    private volatile Thread agentThread;
    private volatile WriterSlot publisherSlot;

    Node(
        final Context<?> ctx,
        final Aeron aeron,
        final long id,
        final String group,
        final boolean isMaster,
        final long parentPid,
        final ErrorRelay errorRelay)
    {
        this.ctx = ctx;
        this.aeron = aeron;
        this.id = id;
        this.group = group;
        this.groupBytes = group.getBytes(StandardCharsets.US_ASCII);
        this.isMaster = isMaster;
        this.channel = Configuration.ipcChannel(ctx.termLength());

        final ArrayList<AutoCloseable> opened = new ArrayList<>();
        try
        {
            errorsCounter = add(opened, ClustrCounters.allocate(
                aeron, ClustrCounters.ERRORS_TYPE_ID, "errors", id, group));
            malformedCounter = add(opened, ClustrCounters.allocate(
                aeron, ClustrCounters.MALFORMED_FRAMES_TYPE_ID, "malformed frames", id, group));
            unhandledCounter = add(opened, ClustrCounters.allocate(
                aeron, ClustrCounters.UNHANDLED_MESSAGES_TYPE_ID, "unhandled messages", id, group));
            receivedCounter = add(opened, ClustrCounters.allocate(
                aeron, ClustrCounters.MESSAGES_RECEIVED_TYPE_ID, "messages received", id, group));
            pinnedCpuCounter = add(opened, ClustrCounters.allocate(
                aeron, ClustrCounters.PINNED_CPU_TYPE_ID, "pinned cpu", id, group));
            pinnedCpuCounter.setRelease(-1);

            errorHandler = new CountedErrorHandler(ctx.errorHandler(), errorsCounter);
            confirmations = isMaster ? new Confirmations(errorHandler) : null;

            final int fragmentLimit = ctx.fragmentLimit();
            final ControlAdapter controlAdapter = add(opened, new ControlAdapter(
                aeron.addSubscription(channel, ctx.controlStreamId()), malformedCounter));
            final ConfirmationAdapter confirmationAdapter = isMaster ? add(opened, new ConfirmationAdapter(
                aeron.addSubscription(channel, ctx.confirmationStreamId()), confirmations, malformedCounter)) : null;
            final DataAdapter privateAdapter = add(opened, new DataAdapter(
                aeron.addSubscription(channel, Configuration.privateStreamId(id)), Channel.Kind.PRIVATE, null,
                privateHandlers, errorHandler, malformedCounter, unhandledCounter, fragmentLimit));

            controlPublisher = add(opened, new ControlPublisher(
                aeron.addPublication(channel, ctx.controlStreamId())));
            routes = add(opened, new Routes(aeron, channel, id, groupBytes, ctx.publicStreamId(),
                ctx.confirmationStreamId(), ctx.privatePublicationCache()));

            final ProcessHandle parent = parentPid > 0 ? ProcessHandle.of(parentPid).orElse(null) : null;
            if (parentPid > 0 && null == parent)
            {
                throw new ClustrException("parent process " + parentPid + " has already exited: not starting");
            }

            final String roleName = isMaster ? "clustr-master" : "clustr-" + group + "-" + id;
            agent = new NodeAgent(
                this, roleName, aeron, controlAdapter, privateAdapter, confirmationAdapter, receivedCounter, parent);
            controlAdapter.listener(agent);
            errorRelay.attach(this);
            runner = new AgentRunner(ctx.idleStrategy(), errorHandler, null, agent);
            if (isMaster)
            {
                joined.complete(null);
                masterPid = ProcessHandle.current().pid();
            }
            AgentRunner.startOnThread(runner, this::newAgentThread);
            opened.add(runner);

            shutdownHook = new Thread(this::closeOnShutdown, "clustr-shutdown-" + id);
            if (ctx.registerShutdownHook())
            {
                Runtime.getRuntime().addShutdownHook(shutdownHook);
            }
        }
        catch (final RuntimeException ex)
        {
            for (int i = opened.size() - 1; i >= 0; i--)
            {
                CloseHelper.quietClose(opened.get(i));
            }
            throw ex;
        }
    }

    /**
     * The frame writer of the calling thread. The duty-cycle thread and the first other thread that publishes (say,
     * a main thread streaming messages) each get theirs from a field; further threads from a thread-local, whose
     * lookup (a hash probe and a weak reference check) costs a noticeable share of a 32 byte publish.
     */
    private FrameWriter writer()
    {
        final Thread thread = Thread.currentThread();
        if (thread == agentThread)
        {
            return agentWriter;
        }

        final WriterSlot slot = publisherSlot;
        if (null != slot && slot.thread == thread)
        {
            return slot.writer;
        }

        if (null == slot)
        {
            synchronized (this)
            {
                if (null == publisherSlot)
                {
                    publisherSlot = new WriterSlot(thread, new FrameWriter());
                    return publisherSlot.writer;
                }
            }
        }

        return FrameWriter.WRITERS.get();
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

    private static <T extends AutoCloseable> T add(final List<AutoCloseable> opened, final T closeable)
    {
        opened.add(closeable);
        return closeable;
    }

    private Thread newAgentThread(final Runnable runnable)
    {
        final CpuSet cpus = ctx.cpus();
        final Runnable pinned = cpus.isEmpty() ? runnable : () ->
        {
            try (Pinning.PinnedThread pin = Pinning.pinCurrentThread(cpus.first()))
            {
                pinnedCpu = pin.cpuId();
                pinnedCpuCounter.setRelease(pin.cpuId());
                runnable.run();
            }
        };

        final Thread thread = new Thread(pinned);
        agentThread = thread;
        return thread;
    }

    /**
     * Create an Aeron client for a node: conductor invoked by the node's own duty cycle (one thread per node), and
     * errors reported to the node.
     */
    static Aeron connect(final Context<?> ctx, final ErrorRelay errorHandler)
    {
        final Aeron.Context aeronCtx = new Aeron.Context()
            .aeronDirectoryName(ctx.aeronDirectoryName())
            .useConductorAgentInvoker(true)
            .errorHandler(errorHandler)
            .clientName("clustr");

        try
        {
            return Aeron.connect(aeronCtx);
        }
        catch (final DriverTimeoutException | IllegalStateException ex)
        {
            throw new ClustrException("no media driver is running in " + ctx.aeronDirectoryName() +
                ": start the master first, or point the node at the right directory (" + AERON_DIR_ENV +
                ", -Daeron.dir or Options.aeronDirectory)", ex);
        }
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
        publicHandlers.add(handler);
        synchronized (this)
        {
            if (null == publicAdapter)
            {
                checkOpen();
                publicAdapter = new DataAdapter(
                    aeron.addSubscription(channel, ctx.publicStreamId()), Channel.Kind.PUBLIC, null,
                    publicHandlers, errorHandler, malformedCounter, unhandledCounter, ctx.fragmentLimit());
                agent.publicAdapter(publicAdapter);
            }
        }

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
        privateHandlers.add(handler);
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
     * Add a listener for the lifecycle of the workers this node spawns (fork, online, exit, respawn gave up).
     *
     * @param listener to add.
     * @return this node.
     */
    public Node onLifecycle(final LifecycleListener listener)
    {
        lifecycleListeners.add(Objects.requireNonNull(listener, "lifecycle listener must not be null"));
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
        final FrameWriter writer = writer();
        publish(channel, writer.wrap(bytes), 0, bytes.length);
    }

    /**
     * Publish a region of a buffer, copied once straight into the stream's log (zero copy otherwise, and no
     * allocation). On the public and group streams a message published while nobody subscribes reaches nobody and
     * succeeds. On a private stream it waits for the target to be connected, up to the publish timeout; if the target
     * is known to have left, it fails at once. On any stream it waits while back-pressured, up to the publish timeout.
     *
     * @param channel where to publish.
     * @param buffer  holding the payload.
     * @param offset  of the payload in the buffer.
     * @param length  of the payload in bytes.
     * @throws NullPointerException     if the channel or buffer is null.
     * @throws IllegalArgumentException if offset and length are outside the buffer, or the message is larger than
     *                                  the largest the cluster's term length allows.
     * @throws ClustrException          if the node is closed, the target has left, or the publish timed out.
     */
    public final void publish(final Channel channel, final DirectBuffer buffer, final int offset, final int length)
    {
        checkPublish(channel, buffer, offset, length);
        final FrameWriter writer = writer();
        long deadlineNs = 0;
        writer.resetIdle();

        while (true)
        {
            final Publication publication;
            final long result;
            if (channel.kind() == Channel.Kind.CONFIRMATION)
            {
                publication = routes.confirmationPublication();
                result = offerConfirmation(writer, publication, buffer, offset, length);
            }
            else
            {
                final Route route = writer.route(routes, channel);
                publication = route.publication;
                result = offerData(writer, route, buffer, offset, length);
            }

            if (result > 0 || isDelivered(channel, publication, result))
            {
                return;
            }

            final long nowNs = System.nanoTime();
            if (0 == deadlineNs)
            {
                deadlineNs = nowNs + ctx.publishTimeoutNs();
            }
            else if (nowNs - deadlineNs > 0)
            {
                throw new ClustrException("publish to " + channel + " timed out after " +
                    TimeUnit.NANOSECONDS.toMillis(ctx.publishTimeoutNs()) + " ms: " + describe(channel, result));
            }
            writer.idle();
        }
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
        checkPublish(channel, buffer, offset, length);
        final FrameWriter writer = writer();
        if (channel.kind() == Channel.Kind.CONFIRMATION)
        {
            final Publication publication = routes.confirmationPublication();
            final long result = offerConfirmation(writer, publication, buffer, offset, length);
            return result > 0 || isDelivered(channel, publication, result);
        }

        final Route route = writer.route(routes, channel);
        final long result = offerData(writer, route, buffer, offset, length);

        return result > 0 || isDelivered(channel, route.publication, result);
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

        final List<ChildProcess> children = supervisor().spawn(specs);
        final List<WorkerHandle> result = new ArrayList<>(children.size());
        for (final ChildProcess child : children)
        {
            result.add(handleFor(child));
        }

        return result;
    }

    /**
     * Kill a node of the cluster by id: it runs its kill hooks, leaves, and its process exits with
     * {@code exitCode}. If it has not exited after the kill grace period, its parent kills it forcibly. A worker
     * killed with 0 is never respawned; with any other code its spec's respawn policy applies (so
     * {@code killWorker(id, 1)} restarts a worker whose policy is the default, on failure).
     * <p>
     * The future completes on this node's duty-cycle thread: do not block on it inside a handler.
     *
     * @param workerId id of the node to kill; this node's own id kills this process.
     * @param exitCode the code the process exits with.
     * @return completes with the process's exit as its parent saw it (for a worker started by hand, the code it
     * left with), or exceptionally if no exit is seen within the grace period plus 10 s.
     * @throws ClustrException if the node is closed, or no node has that id (the message says whether it has
     *                         already exited).
     */
    public final CompletableFuture<ExitStatus> killWorker(final long workerId, final int exitCode)
    {
        checkOpen();
        if (workerId == id)
        {
            final CompletableFuture<ExitStatus> future = new CompletableFuture<>();
            exit(exitCode, true, "killed itself");
            return future;
        }

        final Supervisor supervisor = supervisorOrNull();
        final ChildProcess child = null == supervisor ? null : supervisor.child(workerId);
        final boolean isKnown = membership.isMember(workerId) || (0 == workerId && !isMaster) ||
            (null != child && child.state() != ChildState.EXITED);
        if (!isKnown)
        {
            final ExitStatus departure = membership.departure(workerId);
            if (null != departure)
            {
                throw new ClustrException("worker " + workerId + " has already exited: " + departure.reason());
            }

            final List<Long> ids = new ArrayList<>();
            membership.members().forEach((member) -> ids.add(member.id()));
            ids.sort(Comparator.naturalOrder());
            throw new ClustrException("unknown worker id " + workerId + ": no such member of this cluster " +
                "(members: " + ids + ")");
        }

        final PendingKill pending = pendingKills.computeIfAbsent(
            workerId, (ignore) -> new PendingKill(System.nanoTime() + ctx.killGraceNs() + KILL_REPORT_MARGIN_NS));
        if (!controlPublisher.kill(workerId, id, exitCode))
        {
            pendingKills.remove(workerId, pending);
            throw new ClustrException("could not send the kill for worker " + workerId + ": the control stream is " +
                "closed or back-pressured");
        }

        return pending.future;
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
        final Supervisor supervisor = supervisorOrNull();
        final long nowMs = System.currentTimeMillis();

        for (final MemberInfo member : membership.members())
        {
            final ChildProcess child = null == supervisor ? null : supervisor.child(member.id());
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

        if (null != supervisor)
        {
            for (final ChildProcess child : supervisor.children())
            {
                if (!membership.isMember(child.id()) && child.state() != ChildState.EXITED)
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
        }

        workers.sort(Comparator.comparingLong(WorkerInfo::id));
        return workers;
    }

    /**
     * @return the pid of the master process, or -1 if not known yet.
     */
    public final long masterPid()
    {
        return masterPid;
    }

    /**
     * Wait until this node is closed (by {@link #close()}, a kill, or the loss of its parent or driver).
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    public final void awaitTermination() throws InterruptedException
    {
        terminated.await();
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
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Leave the cluster and release everything: children this node spawned are stopped (asked to exit with 0, killed
     * forcibly after the kill grace period) and none is respawned; then the node says it leaves, stops its thread and
     * closes its Aeron client (the master also its embedded driver, deleting its directory). Idempotent. Called from
     * a handler, it returns at once and the close completes on another thread.
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
    // Internals used by the agent and subclasses
    // ----------------------------------------------------------------------------------------------------------------

    final void close(final int exitCode)
    {
        if (!isClosed.compareAndSet(false, true))
        {
            return;
        }

        if (Thread.currentThread() == runner.thread())
        {
            final Thread closer = new Thread(() -> doClose(exitCode), "clustr-close-" + id);
            closer.start();
            return;
        }

        doClose(exitCode);
    }

    private void doClose(final int exitCode)
    {
        try
        {
            stopChildren();
            controlPublisher.leave(id, exitCode);
            stopAgent(isShuttingDown ? AGENT_STOP_IN_SHUTDOWN_MS : AGENT_STOP_TIMEOUT_MS);

            final ClustrException closed = new ClustrException("node " + id + " closed before the worker's exit");
            pendingKills.values().forEach((pending) -> pending.future.completeExceptionally(closed));
            pendingKills.clear();
            joined.completeExceptionally(new ClustrException("node " + id + " closed"));

            CloseHelper.quietCloseAll(routes, controlPublisher, errorsCounter, malformedCounter, unhandledCounter,
                receivedCounter, pinnedCpuCounter);
            CloseHelper.quietClose(aeron);
            onClosed();
        }
        finally
        {
            if (ctx.registerShutdownHook())
            {
                try
                {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                }
                catch (final IllegalStateException ignore)
                {
                    // the JVM is shutting down: the hook is running or has run
                }
            }
            terminated.countDown();
        }
    }

    /**
     * Release what a subclass owns beyond the node, after the Aeron client is closed.
     */
    void onClosed()
    {
    }

    /**
     * Stop the duty-cycle thread, waiting at most {@code timeoutMs}: a handler that called {@code System.exit} (the
     * JVM then runs this node's shutdown hook while the thread waits for the hooks) or that never returns must not
     * stop the node from closing.
     */
    private void stopAgent(final int timeoutMs)
    {
        try
        {
            runner.close(timeoutMs, (thread) ->
            {
                throw new AgentStopTimeout();
            });
        }
        catch (final AgentStopTimeout ex)
        {
            if (!isShuttingDown)
            {
                System.err.println("clustr: node " + id + "'s thread did not stop within " + timeoutMs +
                    " ms (a handler is still running): closing anyway");
            }
        }
    }

    private void closeOnShutdown()
    {
        isShuttingDown = true;
        close(0);
        try
        {
            terminated.await(ctx.killGraceNs() + TimeUnit.SECONDS.toNanos(2), TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void stopChildren()
    {
        final Supervisor supervisor;
        synchronized (this)
        {
            supervisor = this.supervisor;
        }

        if (null != supervisor)
        {
            final Duration grace = Duration.ofNanos(ctx.killGraceNs());
            for (final ChildProcess child : supervisor.children())
            {
                if (!child.spec().isCommand() && child.state() == ChildState.ONLINE)
                {
                    controlPublisher.kill(child.id(), id, 0);
                    supervisor.expectExit(child.id(), 0, grace);
                }
            }
            supervisor.close();
        }
    }

    private void exit(final int exitCode, final boolean runKillHooks, final String reason)
    {
        if (!isExiting.compareAndSet(false, true))
        {
            return;
        }

        final Thread exiter = new Thread(() ->
        {
            if (runKillHooks)
            {
                for (final KillHandler handler : killHandlers)
                {
                    try
                    {
                        handler.onKill(exitCode);
                    }
                    catch (final Throwable ex)
                    {
                        errorHandler.onError(ex);
                    }
                }
            }
            close(exitCode);
            try
            {
                terminated.await(ctx.killGraceNs(), TimeUnit.NANOSECONDS);
            }
            catch (final InterruptedException ignore)
            {
                Thread.currentThread().interrupt();
            }
            System.exit(exitCode);
        }, "clustr-exit-" + id);
        exiter.start();
    }

    void onKilled(final int exitCode, final long requesterId)
    {
        exit(exitCode, true, "killed by node " + requesterId);
    }

    void onOrphaned(final String why)
    {
        if (ctx.exitOnOrphan())
        {
            System.err.println("clustr: node " + id + " (" + nameForLog() + ") is exiting: " + why);
            exit(isDriverGone || aeron.isClosed() ? 1 : 0, false, why);
        }
        else
        {
            System.err.println("clustr: node " + id + " (" + nameForLog() + ") is closing: " + why);
            close(0);
        }
    }

    private String nameForLog()
    {
        return isMaster ? "master" : group;
    }

    void onAeronError(final Throwable ex)
    {
        if (ex instanceof DriverTimeoutException)
        {
            isDriverGone = true;
        }
    }

    final boolean isMaster()
    {
        return isMaster;
    }

    final boolean isJoined()
    {
        return joined.isDone();
    }

    final void onJoined(final long masterPid)
    {
        this.masterPid = masterPid;
        if (routes.confirmationPublication().isConnected())
        {
            joined.complete(null);
        }
    }

    /**
     * Wait for the master's acknowledgement of this worker's join.
     */
    final void awaitJoined(final long timeoutNs)
    {
        try
        {
            joined.get(timeoutNs, TimeUnit.NANOSECONDS);
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
            ProcessHandle.current().info().startInstant().map((i) -> i.toEpochMilli())
                .orElse(System.currentTimeMillis()),
            group,
            ctx.name(),
            ctx.cpus().toList());
    }

    final Membership membership()
    {
        return membership;
    }

    final Routes routes()
    {
        return routes;
    }

    final ControlPublisher controlPublisher()
    {
        return controlPublisher;
    }

    final Aeron aeronClient()
    {
        return aeron;
    }

    final ErrorHandler errorHandler()
    {
        return errorHandler;
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
        groupHandlers.add(handler);
        synchronized (this)
        {
            if (null == groupAdapter)
            {
                checkOpen();
                groupAdapter = new DataAdapter(
                    aeron.addSubscription(channel, Configuration.groupStreamId(group)), Channel.Kind.GROUP,
                    groupBytes, groupHandlers, errorHandler, malformedCounter, unhandledCounter, ctx.fragmentLimit());
                agent.groupAdapter(groupAdapter);
            }
        }
    }

    final synchronized Supervisor supervisorOrNull()
    {
        return supervisor;
    }

    private synchronized Supervisor supervisor()
    {
        checkOpen();
        if (null == supervisor)
        {
            supervisor = Supervisor.launch(new Supervisor.Context()
                .idSupplier(this::nextWorkerId)
                .parentId(id)
                .environment((spec, childId, restarts) -> Map.of(
                    AERON_DIR_ENV, ctx.aeronDirectoryName(),
                    TERM_LENGTH_ENV, Integer.toString(ctx.termLength())))
                .defaultJvmArgs(childJvmArgs())
                .stopGrace(Duration.ofNanos(ctx.killGraceNs()))
                .listener(new SupervisorListener()
                {
                    @Override
                    public void onFork(final ChildProcess child)
                    {
                        agent.submit(() -> onChildForked(child));
                    }

                    @Override
                    public void onExit(final ChildProcess child, final ExitStatus status, final boolean willRespawn)
                    {
                        agent.submit(() -> onChildExited(child, status, willRespawn));
                    }

                    @Override
                    public void onGaveUp(final ChildProcess lastIncarnation, final String reason)
                    {
                        agent.submit(() -> onChildGaveUp(lastIncarnation, reason));
                    }
                }));
        }

        return supervisor;
    }

    /**
     * JVM flags for children: the supervisor's defaults plus every {@code clustr.*} system property of this process,
     * so the whole cluster shares one configuration (a spec's own jvmArgs come later and win).
     */
    private static List<String> childJvmArgs()
    {
        final List<String> args = new ArrayList<>(Supervisor.Configuration.defaultJvmArgs());
        for (final String name : System.getProperties().stringPropertyNames())
        {
            if (name.startsWith("clustr."))
            {
                args.add("-D" + name + "=" + System.getProperty(name));
            }
        }

        return args;
    }

    private long nextWorkerId()
    {
        final long workerId = aeron.nextCorrelationId();
        if (workerId > Configuration.MAX_WORKER_ID)
        {
            throw new ClustrException("worker id " + workerId + " is beyond the private stream range: restart the " +
                "media driver to reset ids");
        }

        return workerId;
    }

    private WorkerHandle handleFor(final ChildProcess child)
    {
        return handles.computeIfAbsent(child.id(), (ignore) -> new SpawnedWorker(this, child));
    }

    private void onChildForked(final ChildProcess child)
    {
        final WorkerHandle handle = handleFor(child);
        notifyLifecycle((listener) -> listener.onFork(handle));
    }

    private void notifyLifecycle(final Consumer<LifecycleListener> event)
    {
        for (final LifecycleListener listener : lifecycleListeners)
        {
            try
            {
                event.accept(listener);
            }
            catch (final Throwable ex)
            {
                errorHandler.onError(ex);
            }
        }
    }

    final void onChildJoined(final long childId)
    {
        final Supervisor supervisor = supervisorOrNull();
        final ChildProcess child = null == supervisor ? null : supervisor.child(childId);
        if (null == child)
        {
            return;
        }

        supervisor.markOnline(childId);
        final Integer pendingCode = pendingChildKills.remove(childId);
        if (null != pendingCode)
        {
            controlPublisher.kill(childId, id, pendingCode);
        }

        final WorkerHandle handle = handleFor(child);
        notifyLifecycle((listener) -> listener.onOnline(handle));
    }

    private void onChildExited(final ChildProcess child, final ExitStatus status, final boolean willRespawn)
    {
        pendingChildKills.remove(child.id());
        controlPublisher.exit(
            child.id(), id, child.pid(), status.code(), status.signal(), willRespawn, status.reason());

        final WorkerHandle handle = handleFor(child);
        notifyLifecycle((listener) -> listener.onExit(handle, status, willRespawn));
        handles.remove(child.id());
    }

    private void onChildGaveUp(final ChildProcess lastIncarnation, final String reason)
    {
        final WorkerHandle handle = handleFor(lastIncarnation);
        notifyLifecycle((listener) -> listener.onRespawnGaveUp(handle, reason));
        handles.remove(lastIncarnation.id());
    }

    final void killChild(final ChildProcess child, final int exitCode)
    {
        final Duration grace = Duration.ofNanos(ctx.killGraceNs());
        if (child.spec().isCommand())
        {
            supervisorOrNull().terminate(child.id(), grace);
        }
        else
        {
            supervisorOrNull().expectExit(child.id(), exitCode, grace);
            if (child.state() != ChildState.ONLINE)
            {
                pendingChildKills.put(child.id(), exitCode);
            }
        }
    }

    final void completeKill(final long workerId, final ExitStatus status)
    {
        final PendingKill pending = pendingKills.remove(workerId);
        if (null != pending)
        {
            pending.future.complete(status);
        }
    }

    final void expireKills(final long nowNs)
    {
        if (pendingKills.isEmpty())
        {
            return;
        }

        for (final Map.Entry<Long, PendingKill> entry : pendingKills.entrySet())
        {
            final PendingKill pending = entry.getValue();
            if (nowNs - pending.deadlineNs > 0 && pendingKills.remove(entry.getKey(), pending))
            {
                pending.future.completeExceptionally(new ClustrException("no exit seen for worker " +
                    entry.getKey() + " within the kill grace period plus 10 s: its parent may have died"));
            }
        }
    }

    private void checkOpen()
    {
        if (isClosed.get())
        {
            throw new ClustrException("node " + id + " is closed: create a new one to keep working");
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
                route.maxPayload + " bytes with a term length of " + ctx.termLength() + " (raise " +
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

        return writer.offerConfirmation(publication, id, groupBytes, buffer, offset, length);
    }

    /**
     * Decide what a failed offer means: true if the message counts as delivered (nobody subscribes to a public or
     * group stream), false to retry; throws when retrying cannot help.
     */
    private boolean isDelivered(final Channel channel, final Publication publication, final long result)
    {
        if (Publication.NOT_CONNECTED == result)
        {
            switch (channel.kind())
            {
                case PUBLIC:
                case GROUP:
                    // Nobody subscribes: delivered to nobody. But a publication the driver has only just created
                    // reports NOT_CONNECTED until its next duty cycle, even when subscribers exist: retry then.
                    return !hasSubscribers(publication);

                case PRIVATE:
                {
                    final ExitStatus departure = membership.departure(channel.workerId());
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

        if (Publication.CLOSED == result)
        {
            checkOpen();
            routes.evict(channel, publication);
            return false;
        }

        if (Publication.MAX_POSITION_EXCEEDED == result)
        {
            routes.evict(channel, publication);
        }

        return false;
    }

    private boolean hasSubscribers(final Publication publication)
    {
        return Subscribers.exist(aeron.countersReader(), publication);
    }

    private String describe(final Channel channel, final long result)
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

    private static final class AgentStopTimeout extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        AgentStopTimeout()
        {
            super(null, null, false, false);
        }
    }

    private static final class PendingKill
    {
        final CompletableFuture<ExitStatus> future = new CompletableFuture<>();
        final long deadlineNs;

        PendingKill(final long deadlineNs)
        {
            this.deadlineNs = deadlineNs;
        }
    }

    /**
     * Configuration shared by {@link Master.Context} and {@link Worker.Context}, Aeron style: fields start from
     * {@link Configuration} (system properties), fluent setters override them, and {@link #conclude()} checks them
     * once before the node starts. A context belongs to the node it launched: do not reuse it.
     *
     * @param <C> the concrete context type, for fluent setters.
     */
    public abstract static class Context<C extends Context<C>> implements Cloneable
    {
        private volatile boolean isConcluded;
        private String aeronDirectoryName;
        private int termLength = -1;
        private IdleStrategy idleStrategy;
        private ErrorHandler errorHandler;
        private long publishTimeoutNs = Configuration.publishTimeoutNs();
        private long joinTimeoutNs = Configuration.joinTimeoutNs();
        private long killGraceNs = Configuration.killGraceNs();
        private int fragmentLimit = Configuration.fragmentLimit();
        private int controlStreamId = Configuration.controlStreamId();
        private int publicStreamId = Configuration.publicStreamId();
        private int confirmationStreamId = Configuration.confirmationStreamId();
        private int privatePublicationCache = Configuration.privatePublicationCache();
        private CpuSet cpus;
        private String name;
        private boolean registerShutdownHook = true;
        private Map<String, String> environment = System.getenv();

        Context()
        {
        }

        @SuppressWarnings("unchecked")
        final C self()
        {
            return (C)this;
        }

        /**
         * Check and complete the configuration. Called by the node's launch; call it yourself only to validate.
         *
         * @return this context.
         * @throws ConcurrentConcludeException if called twice.
         * @throws IllegalArgumentException    naming a value that is out of range.
         */
        public C conclude()
        {
            synchronized (this)
            {
                if (isConcluded)
                {
                    throw new ConcurrentConcludeException();
                }
                isConcluded = true;
            }

            concludeNode();

            if (termLength < 0)
            {
                termLength = Configuration.termLength();
            }
            if (termLength < 64 * 1024 || termLength > 1024 * 1024 * 1024 || Integer.bitCount(termLength) != 1)
            {
                throw new IllegalArgumentException("term length " + termLength +
                    " is invalid: use a power of two from 64k to 1g (" + Configuration.TERM_LENGTH_PROP_NAME + ")");
            }
            if (null == idleStrategy)
            {
                idleStrategy = Configuration.idleStrategy();
            }
            if (null == errorHandler)
            {
                final String label = null == name ? "clustr" : "clustr " + name;
                errorHandler = (throwable) ->
                {
                    synchronized (System.err)
                    {
                        System.err.println(label + " error: " + throwable);
                        throwable.printStackTrace(System.err);
                    }
                };
            }
            if (null == cpus)
            {
                cpus = CpuSet.EMPTY;
            }
            if (fragmentLimit < 1)
            {
                throw new IllegalArgumentException("fragment limit must be at least 1, was " + fragmentLimit);
            }
            if (publishTimeoutNs < 0 || joinTimeoutNs <= 0 || killGraceNs < 0)
            {
                throw new IllegalArgumentException("timeouts must not be negative: publish=" + publishTimeoutNs +
                    "ns join=" + joinTimeoutNs + "ns kill grace=" + killGraceNs + "ns");
            }

            return self();
        }

        abstract void concludeNode();

        final boolean isConcluded()
        {
            return isConcluded;
        }

        /**
         * @param aeronDirectoryName the media driver directory.
         * @return this context.
         */
        public C aeronDirectoryName(final String aeronDirectoryName)
        {
            this.aeronDirectoryName = aeronDirectoryName;
            return self();
        }

        /**
         * @return the media driver directory.
         */
        public String aeronDirectoryName()
        {
            return aeronDirectoryName;
        }

        /**
         * @param termLength term length of the cluster's IPC logs.
         * @return this context.
         * @see Configuration#TERM_LENGTH_PROP_NAME
         */
        public C termLength(final int termLength)
        {
            this.termLength = termLength;
            return self();
        }

        /**
         * @return term length of the cluster's IPC logs.
         */
        public int termLength()
        {
            return termLength;
        }

        /**
         * @param idleStrategy of the duty-cycle thread.
         * @return this context.
         * @see Configuration#IDLE_STRATEGY_PROP_NAME
         */
        public C idleStrategy(final IdleStrategy idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return self();
        }

        /**
         * @return idle strategy of the duty-cycle thread.
         */
        public IdleStrategy idleStrategy()
        {
            return idleStrategy;
        }

        /**
         * @param errorHandler where errors are reported (they are also counted).
         * @return this context.
         */
        public C errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return self();
        }

        /**
         * @return where errors are reported.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }

        /**
         * @param publishTimeoutNs how long a blocking publish waits.
         * @return this context.
         * @see Configuration#PUBLISH_TIMEOUT_PROP_NAME
         */
        public C publishTimeoutNs(final long publishTimeoutNs)
        {
            this.publishTimeoutNs = publishTimeoutNs;
            return self();
        }

        /**
         * @return how long a blocking publish waits.
         */
        public long publishTimeoutNs()
        {
            return publishTimeoutNs;
        }

        /**
         * @param joinTimeoutNs how long a worker waits for the master to acknowledge its join.
         * @return this context.
         * @see Configuration#JOIN_TIMEOUT_PROP_NAME
         */
        public C joinTimeoutNs(final long joinTimeoutNs)
        {
            this.joinTimeoutNs = joinTimeoutNs;
            return self();
        }

        /**
         * @return how long a worker waits for the master to acknowledge its join.
         */
        public long joinTimeoutNs()
        {
            return joinTimeoutNs;
        }

        /**
         * @param killGraceNs how long a killed worker may take before it is killed forcibly.
         * @return this context.
         * @see Configuration#KILL_GRACE_PROP_NAME
         */
        public C killGraceNs(final long killGraceNs)
        {
            this.killGraceNs = killGraceNs;
            return self();
        }

        /**
         * @return how long a killed worker may take before it is killed forcibly.
         */
        public long killGraceNs()
        {
            return killGraceNs;
        }

        /**
         * @param fragmentLimit most messages taken from one stream per duty cycle.
         * @return this context.
         * @see Configuration#FRAGMENT_LIMIT_PROP_NAME
         */
        public C fragmentLimit(final int fragmentLimit)
        {
            this.fragmentLimit = fragmentLimit;
            return self();
        }

        /**
         * @return most messages taken from one stream per duty cycle.
         */
        public int fragmentLimit()
        {
            return fragmentLimit;
        }

        /**
         * @param controlStreamId stream id of the control stream.
         * @return this context.
         */
        public C controlStreamId(final int controlStreamId)
        {
            this.controlStreamId = controlStreamId;
            return self();
        }

        /**
         * @return stream id of the control stream.
         */
        public int controlStreamId()
        {
            return controlStreamId;
        }

        /**
         * @param publicStreamId stream id of the public stream.
         * @return this context.
         */
        public C publicStreamId(final int publicStreamId)
        {
            this.publicStreamId = publicStreamId;
            return self();
        }

        /**
         * @return stream id of the public stream.
         */
        public int publicStreamId()
        {
            return publicStreamId;
        }

        /**
         * @param confirmationStreamId stream id of the confirmation stream.
         * @return this context.
         */
        public C confirmationStreamId(final int confirmationStreamId)
        {
            this.confirmationStreamId = confirmationStreamId;
            return self();
        }

        /**
         * @return stream id of the confirmation stream.
         */
        public int confirmationStreamId()
        {
            return confirmationStreamId;
        }

        /**
         * @param privatePublicationCache most private-stream publications kept open.
         * @return this context.
         */
        public C privatePublicationCache(final int privatePublicationCache)
        {
            this.privatePublicationCache = privatePublicationCache;
            return self();
        }

        /**
         * @return most private-stream publications kept open.
         */
        public int privatePublicationCache()
        {
            return privatePublicationCache;
        }

        /**
         * @param cpus CPUs for the duty-cycle thread: it takes an affinity lock on the first.
         * @return this context.
         */
        public C cpus(final CpuSet cpus)
        {
            this.cpus = cpus;
            return self();
        }

        /**
         * @return CPUs for the duty-cycle thread.
         */
        public CpuSet cpus()
        {
            return cpus;
        }

        /**
         * @param name of the node, for logs and the cluster view.
         * @return this context.
         */
        public C name(final String name)
        {
            this.name = name;
            return self();
        }

        /**
         * @return name of the node.
         */
        public String name()
        {
            return name;
        }

        /**
         * @param registerShutdownHook whether the node closes itself when the JVM shuts down (default true).
         * @return this context.
         */
        public C registerShutdownHook(final boolean registerShutdownHook)
        {
            this.registerShutdownHook = registerShutdownHook;
            return self();
        }

        /**
         * @return whether the node closes itself when the JVM shuts down.
         */
        public boolean registerShutdownHook()
        {
            return registerShutdownHook;
        }

        /**
         * @param environment the process environment to read {@code CLUSTR_*} variables from (for tests).
         * @return this context.
         */
        public C environment(final Map<String, String> environment)
        {
            this.environment = environment;
            return self();
        }

        /**
         * @return the process environment the context reads.
         */
        public Map<String, String> environment()
        {
            return environment;
        }

        long parentId()
        {
            return -1;
        }

        int restarts()
        {
            return 0;
        }

        boolean exitOnOrphan()
        {
            return false;
        }

        /**
         * @return a shallow copy, for tests that launch several nodes from one configuration.
         */
        @SuppressWarnings("unchecked")
        public C clone()
        {
            try
            {
                final Context<C> copy = (Context<C>)super.clone();
                copy.isConcluded = false;
                return (C)copy;
            }
            catch (final CloneNotSupportedException ex)
            {
                throw new IllegalStateException(ex);
            }
        }
    }
}
