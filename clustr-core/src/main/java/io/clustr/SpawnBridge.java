package io.clustr;

import io.clustr.spawn.ChildProcess;
import io.clustr.spawn.ChildState;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.RespawnPolicy;
import io.clustr.spawn.Spec;
import io.clustr.spawn.Supervisor;
import io.clustr.spawn.SupervisorListener;
import io.clustr.spawn.internal.SupervisorControl;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentTerminationException;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The bridge between a node and clustr-spawn: the {@link Supervisor} of the node's children (launched on first
 * spawn), the handles users see, and the children's lifecycle turned into cluster events.
 * <p>
 * The supervisor's events arrive on its own thread and are handed to the agent as commands; everything that reacts
 * to them ({@code on*} methods: lifecycle listeners, control frames, kills waiting for a child to come online) runs on
 * the agent. {@link #spawn(List)} and the read-only lookups may be called from any thread.
 */
final class SpawnBridge
{
    private final Node node;
    private final Node.Context<?> ctx;
    private final LongSupplier idSupplier;
    private final ErrorHandler errorHandler;
    private final Consumer<Runnable> agentCommands;
    private final ControlPublisher controlPublisher;
    private final CopyOnWriteArrayList<LifecycleListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<Long, Integer> killsAwaitingOnline = new HashMap<>();
    private final Object launchLock = new Object();
    private volatile Supervisor supervisor;
    private boolean isClosed;
    private ControlListener exits;

    SpawnBridge(
        final Node node,
        final Node.Context<?> ctx,
        final LongSupplier idSupplier,
        final ErrorHandler errorHandler,
        final Consumer<Runnable> agentCommands,
        final ControlPublisher controlPublisher)
    {
        this.controlPublisher = controlPublisher;
        this.node = node;
        this.ctx = ctx;
        this.idSupplier = idSupplier;
        this.errorHandler = errorHandler;
        this.agentCommands = agentCommands;
    }

    /**
     * @param exits told of a child's exit before the lifecycle listeners are, so that by the time a listener's
     *              {@code onExit} runs the child has departed: a private publish to it fails at once.
     */
    void exitListener(final ControlListener exits)
    {
        this.exits = exits;
    }

    void addListener(final LifecycleListener listener)
    {
        listeners.add(Objects.requireNonNull(listener, "lifecycle listener must not be null"));
    }

    /**
     * Fork one child per spec (any thread).
     */
    List<WorkerHandle> spawn(final List<Spec> specs)
    {
        final List<ChildProcess> children = supervisor().spawn(specs);
        final List<WorkerHandle> handles = new ArrayList<>(children.size());
        for (final ChildProcess child : children)
        {
            handles.add(handle(child));
        }

        return handles;
    }

    /**
     * @return the supervisor, or null if this node never spawned.
     */
    Supervisor supervisorOrNull()
    {
        return supervisor;
    }

    /**
     * @param id of a child.
     * @return the child's current incarnation if this node spawned it, else null (any thread).
     */
    ChildProcess child(final long id)
    {
        final Supervisor supervisor = this.supervisor;
        return null == supervisor ? null : supervisor.child(id);
    }

    /**
     * @return the children that have not exited (any thread).
     */
    List<ChildProcess> children()
    {
        final Supervisor supervisor = this.supervisor;
        return null == supervisor ? List.of() : supervisor.children();
    }

    WorkerHandle handle(final ChildProcess child)
    {
        return new SpawnedWorker(node, child);
    }

    /**
     * Ask every online JVM child to exit with 0 (agent): frames through the control stream, each with the kill grace
     * after which its supervisor kills it forcibly.
     */
    void stopChildren()
    {
        final Supervisor supervisor = this.supervisor;
        if (null == supervisor)
        {
            return;
        }

        final Duration grace = Duration.ofNanos(ctx.killGraceNs());
        for (final ChildProcess child : supervisor.children())
        {
            if (!child.spec().isCommand() && child.state() == ChildState.ONLINE)
            {
                controlPublisher.kill(child.id(), node.id(), 0);
                SupervisorControl.expectExit(supervisor, child.id(), 0, grace);
            }
        }
    }

    /**
     * Close the supervisor: no more forks or respawns, every child stopped. Blocks until they have exited (bounded by
     * the supervisor's grace periods); called by the closing thread, never the agent.
     */
    void close()
    {
        final Supervisor supervisor;
        synchronized (launchLock)
        {
            isClosed = true;
            supervisor = this.supervisor;
        }

        if (null != supervisor)
        {
            supervisor.close();
        }
    }

    /**
     * A kill frame names one of this node's children (agent).
     */
    void killChild(final ChildProcess child, final int exitCode)
    {
        final Supervisor supervisor = this.supervisor;
        final Duration grace = Duration.ofNanos(ctx.killGraceNs());
        if (child.spec().isCommand())
        {
            supervisor.terminate(child.id(), grace);
        }
        else
        {
            SupervisorControl.expectExit(supervisor, child.id(), exitCode, grace);
            if (child.state() != ChildState.ONLINE)
            {
                killsAwaitingOnline.put(child.id(), exitCode);
            }
        }
    }

    /**
     * Stop a child for good (any thread; done on the agent): a JVM child is asked to exit with 0 as by a kill (its
     * kill hooks run; SIGKILL after the kill grace), a command gets SIGTERM; either way its spec is not respawned,
     * whatever its policy. For a rolling restart's old worker and a group scaled down.
     */
    void retire(final long childId)
    {
        agentCommands.accept(() ->
        {
            final Supervisor supervisor = this.supervisor;
            final ChildProcess child = null == supervisor ? null : supervisor.child(childId);
            if (null == child || child.id() != childId || child.state() == ChildState.EXITED)
            {
                return;
            }

            final Duration grace = Duration.ofNanos(ctx.killGraceNs());
            if (child.spec().isCommand())
            {
                supervisor.terminate(childId, grace);
                return;
            }

            final boolean isOnline = child.state() == ChildState.ONLINE;
            SupervisorControl.retire(supervisor, childId, 0, grace);
            if (isOnline)
            {
                controlPublisher.kill(childId, node.id(), 0);
            }
            else
            {
                killsAwaitingOnline.put(childId, 0);
            }
        });
    }

    /**
     * A child of this node has joined the cluster (agent).
     */
    void onChildJoined(final long childId)
    {
        final Supervisor supervisor = this.supervisor;
        final ChildProcess child = null == supervisor ? null : supervisor.child(childId);
        if (null == child)
        {
            return;
        }

        SupervisorControl.markOnline(supervisor, childId);
        final Integer pendingCode = killsAwaitingOnline.remove(childId);
        if (null != pendingCode)
        {
            controlPublisher.kill(childId, node.id(), pendingCode);
        }

        final WorkerHandle handle = handle(child);
        notifyListeners((listener) -> listener.onOnline(handle));
    }

    /**
     * A node announced a server socket (agent): tell the listeners if it is a child of this node that has not exited.
     * Its Join precedes the announcement on the control stream, so {@code onOnline} has been told first.
     */
    void onChildListening(final long workerId, final InetSocketAddress address)
    {
        final ChildProcess child = child(workerId);
        if (null == child || child.state() == ChildState.EXITED)
        {
            return;
        }

        final WorkerHandle handle = handle(child);
        notifyListeners((listener) -> listener.onListening(handle, address));
    }

    private void onChildForked(final ChildProcess child)
    {
        final WorkerHandle handle = handle(child);
        notifyListeners((listener) -> listener.onFork(handle));
    }

    private void onChildExited(
        final ChildProcess child,
        final ExitStatus status,
        final boolean willRespawn)
    {
        killsAwaitingOnline.remove(child.id());
        controlPublisher.exit(
            child.id(), node.id(), child.pid(), status.code(), status.signal(), willRespawn, status.reason());
        if (null != exits)
        {
            exits.onExit(
                child.id(), node.id(), child.pid(), status.code(), status.signal(), willRespawn, status.reason());
        }

        final WorkerHandle handle = handle(child);
        notifyListeners((listener) -> listener.onExit(handle, status, willRespawn));
    }

    /**
     * A spec's budget is spent (agent): the lifecycle listeners are told, then every confirmation wait that spec's
     * readiness could still complete fails, then, if its policy escalates, this node exits with the policy's code.
     */
    private void onChildGaveUp(final ChildProcess lastIncarnation, final String reason)
    {
        final WorkerHandle handle = handle(lastIncarnation);
        notifyListeners((listener) -> listener.onRespawnGaveUp(handle, reason));

        final Spec spec = lastIncarnation.spec();
        final Confirmations confirmations = node.confirmations();
        if (null != confirmations)
        {
            confirmations.onGaveUp(lastIncarnation.slotId(), spec.name(), lastIncarnation.id(), reason,
                lastIncarnation.exitStatus().orElse(null));
        }

        final int escalationExitCode = spec.respawnPolicy().escalationExitCode();
        if (RespawnPolicy.NO_ESCALATION != escalationExitCode)
        {
            node.onSupervisionFailed(escalationExitCode, "spec " + spec.name() + " (last worker " +
                lastIncarnation.id() + ") was given up and its respawn policy escalates: " + reason);
        }
    }

    /**
     * @return the slot of a current child of this node with this id, else {@link Confirmations#NO_SLOT} (any
     * thread).
     */
    private long slotOf(final long childId)
    {
        final ChildProcess child = child(childId);
        return null == child ? Confirmations.NO_SLOT : child.slotId();
    }

    /**
     * Tell the lifecycle listeners of a group operation (any thread; delivered on the agent).
     */
    void notifyOperation(final Consumer<LifecycleListener> event)
    {
        agentCommands.accept(() -> notifyListeners(event));
    }

    private void notifyListeners(final Consumer<LifecycleListener> event)
    {
        for (final LifecycleListener listener : listeners)
        {
            try
            {
                event.accept(listener);
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

    private Supervisor supervisor()
    {
        final Supervisor existing = supervisor;
        if (null != existing)
        {
            return existing;
        }

        synchronized (launchLock)
        {
            if (isClosed || node.isClosed())
            {
                throw new ClustrException("node " + node.id() + " is closed: create a new one to keep working");
            }
            if (null == supervisor)
            {
                final Confirmations confirmations = node.confirmations();
                if (null != confirmations)
                {
                    confirmations.slotOfSender(this::slotOf);
                }
                supervisor = Supervisor.launch(new Supervisor.Context()
                    .idSupplier(idSupplier)
                    .parentId(node.id())
                    .environment((spec, childId, restarts) -> Map.of(
                        Node.AERON_DIR_ENV, ctx.aeronDirectoryName(),
                        Node.TERM_LENGTH_ENV, Integer.toString(ctx.termLength())))
                    .defaultJvmArgs(childJvmArgs())
                    .stopGrace(Duration.ofNanos(ctx.killGraceNs()))
                    .listener(new Listener()));
            }

            return supervisor;
        }
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

    /**
     * Supervisor events, on the supervisor's thread: handed to the agent.
     */
    private final class Listener implements SupervisorListener
    {
        @Override
        public void onFork(final ChildProcess child)
        {
            agentCommands.accept(() -> onChildForked(child));
        }

        @Override
        public void onExit(final ChildProcess child, final ExitStatus status, final boolean willRespawn)
        {
            agentCommands.accept(() -> onChildExited(child, status, willRespawn));
        }

        @Override
        public void onGaveUp(final ChildProcess lastIncarnation, final String reason)
        {
            agentCommands.accept(() -> onChildGaveUp(lastIncarnation, reason));
        }
    }
}
