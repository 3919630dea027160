package io.clustr;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.clustr.codecs.OperatorStatus;
import io.clustr.spawn.ChildProcess;
import io.clustr.spawn.ChildState;
import io.clustr.spawn.ExitStatus;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The duty cycle of a node and the owner of all its mutable state: membership, kills in flight, the join, the
 * children's events, the control stream. It is the only thread that changes that state; other threads read
 * {@link Membership.View} snapshots or hand it commands through {@link #submit(Runnable)}.
 * <p>
 * Every cycle polls the data subscriptions (private, public and group once they have handlers, confirmations on
 * the master) and runs the user's handlers. Housekeeping polls the control stream, runs commands, sends queued
 * control frames and the join, swaps in the subscriptions of streams the node was cut loose from, and invokes the
 * Aeron client conductor when the client runs in invoker mode (a node's own client runs its conductor on its own
 * thread, so a long handler never starves it); it runs every cycle once the node is idle and every 16th cycle while
 * messages flow. Slow work (parent and driver liveness, kill deadlines) runs on a 100 ms tick.
 */
final class NodeAgent implements Agent, ControlListener, BroadcastStream.Agent
{
    static final long SLOW_TICK_NS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long CONDUCTOR_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long JOIN_RESEND_NS = TimeUnit.MILLISECONDS.toNanos(200);
    static final long KILL_REPORT_MARGIN_NS = TimeUnit.SECONDS.toNanos(10);
    static final long LEAVE_FLUSH_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int HOUSEKEEPING_IDLE_CYCLES = 16;
    private static final int HOUSEKEEPING_STRIDE = 16;
    private static final int HOUSEKEEPING_MAX_STRIDE = 64;

    private final Node node;
    private final long nodeId;
    private final boolean isMaster;
    private final String roleName;
    private final long killGraceNs;
    private final Aeron aeron;
    private final AgentInvoker conductorInvoker;
    private final ErrorHandler errorHandler;
    private final ControlAdapter controlAdapter;
    private final ControlPublisher controlPublisher;
    private final DataAdapter privateAdapter;
    private final ConfirmationAdapter confirmationAdapter;
    private final Routes routes;
    private final GroupRegistry groups;
    private final Membership membership;
    private final KillTracker kills = new KillTracker();
    private final SpawnBridge spawnBridge;
    private final Acknowledgements acks;
    private final ArrayList<MembershipListener> membershipListeners = new ArrayList<>();
    private final NodeCounters counters;
    private final ProcessHandle parent;
    private final ManyToOneConcurrentLinkedQueue<Runnable> commands = new ManyToOneConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ArrayList<BroadcastStream> resubscribing = new ArrayList<>();
    private DataAdapter publicAdapter;
    private DataAdapter groupAdapter;
    private int cyclesSinceHousekeeping;
    private int idleCycles;
    private long nextSlowTickNs;
    private long nextConductorNs;
    private long nextJoinNs;
    private boolean isJoinAcked;
    private boolean isOrphaned;
    private boolean isLeaving;
    private long leaveDeadlineNs;
    private boolean isInDutyCycle;
    private volatile long masterPid = -1;

    NodeAgent(
        final Node node,
        final String roleName,
        final long killGraceNs,
        final Aeron aeron,
        final ErrorHandler errorHandler,
        final ControlAdapter controlAdapter,
        final ControlPublisher controlPublisher,
        final DataAdapter privateAdapter,
        final ConfirmationAdapter confirmationAdapter,
        final Routes routes,
        final GroupRegistry groups,
        final Membership membership,
        final SpawnBridge spawnBridge,
        final Acknowledgements acks,
        final NodeCounters counters,
        final ProcessHandle parent)
    {
        this.node = node;
        this.nodeId = node.id();
        this.isMaster = node instanceof Master;
        this.roleName = roleName;
        this.killGraceNs = killGraceNs;
        this.aeron = aeron;
        this.conductorInvoker = aeron.conductorAgentInvoker();
        this.errorHandler = errorHandler;
        this.controlAdapter = controlAdapter;
        this.controlPublisher = controlPublisher;
        this.privateAdapter = privateAdapter;
        this.confirmationAdapter = confirmationAdapter;
        this.routes = routes;
        this.groups = groups;
        this.membership = membership;
        this.spawnBridge = spawnBridge;
        this.acks = acks;
        this.counters = counters;
        this.parent = parent;
        final long nowNs = System.nanoTime();
        this.nextSlowTickNs = nowNs;
        this.nextConductorNs = nowNs;
        this.nextJoinNs = nowNs;
        if (isMaster)
        {
            masterPid = ProcessHandle.current().pid();
            joined.complete(null);
            counters.state(ClustrCounters.NODE_ONLINE);
        }
        controlAdapter.listener(this);
        spawnBridge.exitListener(this);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Any thread
    // ----------------------------------------------------------------------------------------------------------------

    /**
     * Run a command on the agent.
     *
     * @param command to run; exceptions go to the error handler.
     */
    public void submit(final Runnable command)
    {
        commands.offer(command);
    }

    /**
     * @return completes once the master has acknowledged this node's join and its confirmations reach the master.
     */
    CompletableFuture<Void> joined()
    {
        return joined;
    }

    long masterPid()
    {
        return masterPid;
    }

    /**
     * Wait for the agent to have stopped (its {@link #onClose()} ran).
     *
     * @param timeoutNs at most.
     * @return true if it has stopped.
     */
    boolean awaitStopped(final long timeoutNs)
    {
        try
        {
            return stopped.await(timeoutNs, TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return stopped.getCount() == 0;
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Commands: run on the agent
    // ----------------------------------------------------------------------------------------------------------------

    void onPublicStream(final BroadcastStream stream)
    {
        publicAdapter = stream.adapter();
    }

    void onGroupStream(final BroadcastStream stream)
    {
        groupAdapter = stream.adapter();
    }

    /**
     * The media driver cut this node loose from a stream it fell too far behind on: subscribe again, without
     * waiting for the driver (the new subscription is swapped in by housekeeping once it exists).
     */
    @Override
    public void onCutLoose(
        final BroadcastStream stream, final Subscription subscription, final int sessionId, final long position)
    {
        if (!isLeaving && stream.onCutLoose(subscription, sessionId, position) && !resubscribing.contains(stream))
        {
            resubscribing.add(stream);
        }
    }

    /**
     * The subscription swapped in after being cut loose resumed a log ahead of where the old one left it: report
     * the gap (before the messages after it).
     */
    @Override
    public void onMissed(final BroadcastStream stream, final long bytesMissed)
    {
        node.onMissed(stream.kind(), bytesMissed);
    }

    /**
     * Send a kill for another node and track it until its exit is seen.
     */
    void onKillRequest(final long targetId, final int exitCode, final CompletableFuture<ExitStatus> future)
    {
        kills.track(targetId, future, System.nanoTime() + killGraceNs + KILL_REPORT_MARGIN_NS);
        controlPublisher.kill(targetId, nodeId, exitCode);
    }

    /**
     * Announce a server socket this node listens on, once it has joined (so its parent has seen its Join before).
     */
    void onAnnounceListening(final InetSocketAddress address)
    {
        if (joined.isDone())
        {
            controlPublisher.listening(nodeId, address);
        }
        else
        {
            joined.thenRun(() -> controlPublisher.listening(nodeId, address));
        }
    }

    /**
     * The node is closing: ask the children to exit.
     */
    /**
     * Add a membership listener and tell it of every current member, so that it misses nobody.
     *
     * @param listener to add.
     */
    void onAddMembershipListener(final MembershipListener listener)
    {
        membershipListeners.add(listener);
        for (final MemberInfo member : membership.members())
        {
            notifyJoined(listener, member);
        }
    }

    void onStopChildren()
    {
        spawnBridge.stopChildren();
    }

    /**
     * The node is closing: say it leaves, then stop once the control frames are out (or after a bound).
     */
    void onLeaveRequest(final int exitCode)
    {
        if (!isLeaving)
        {
            isLeaving = true;
            counters.state(ClustrCounters.NODE_LEAVING);
            leaveDeadlineNs = System.nanoTime() + LEAVE_FLUSH_TIMEOUT_NS;
            controlPublisher.leave(nodeId, exitCode);
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Duty cycle
    // ----------------------------------------------------------------------------------------------------------------

    /**
     * @return true while a duty cycle runs on the calling thread's agent (invoker mode: a close from a handler must
     * not invoke the agent again).
     */
    boolean isInDutyCycle()
    {
        return isInDutyCycle;
    }

    @Override
    public int doWork()
    {
        isInDutyCycle = true;
        node.beginDutyCycle();
        try
        {
            return dutyCycle();
        }
        finally
        {
            isInDutyCycle = false;
        }
    }

    private int dutyCycle()
    {
        int workCount = privateAdapter.poll();
        final DataAdapter publicAdapter = this.publicAdapter;
        if (null != publicAdapter)
        {
            workCount += publicAdapter.poll();
        }
        final DataAdapter groupAdapter = this.groupAdapter;
        if (null != groupAdapter)
        {
            workCount += groupAdapter.poll();
        }
        if (null != confirmationAdapter)
        {
            workCount += confirmationAdapter.poll();
        }

        if (workCount > 0)
        {
            idleCycles = 0;
            flushReceived();
        }
        else
        {
            idleCycles++;
        }

        // Housekeeping (control frames, commands, clock, conductor, slow tick) runs every cycle once the node has
        // been idle for a while, where the idle strategy makes cycles long anyway. While messages flow, or the
        // strategy is still spinning, it runs at most every 16th cycle, and then right after a cycle that delivered
        // messages: a reply just sent leaves a round trip before the next request can arrive, where a spin cycle's
        // housekeeping would have delayed that request's poll. Every 64th cycle it runs regardless.
        final int sinceHousekeeping = ++cyclesSinceHousekeeping;
        if (idleCycles >= HOUSEKEEPING_IDLE_CYCLES || (sinceHousekeeping >= HOUSEKEEPING_STRIDE &&
            (workCount > 0 || sinceHousekeeping >= HOUSEKEEPING_MAX_STRIDE)))
        {
            cyclesSinceHousekeeping = 0;
            final int housekeepingCount = housekeeping();
            if (housekeepingCount > 0)
            {
                idleCycles = 0;
                workCount += housekeepingCount;
            }
        }

        return workCount;
    }

    /**
     * @return control frames and commands handled. Keep-alives and timers are not work: counting them would keep the
     * idle strategy from ever parking long in an idle node.
     */
    private int housekeeping()
    {
        int workCount = runCommands() + controlAdapter.poll();
        if (controlPublisher.pendingFrames() > 0)
        {
            workCount += controlPublisher.flush();
        }
        workCount += acks.doWork();

        if (!resubscribing.isEmpty())
        {
            workCount += swapResubscribed();
        }

        final long nowNs = System.nanoTime();
        if (null != conductorInvoker && nowNs - nextConductorNs >= 0)
        {
            nextConductorNs = nowNs + CONDUCTOR_INTERVAL_NS;
            conductorInvoker.invoke();
        }

        if (!joined.isDone())
        {
            workCount += join(nowNs);
        }

        if (nowNs - nextSlowTickNs >= 0)
        {
            nextSlowTickNs = nowNs + SLOW_TICK_NS;
            slowTick(nowNs);
        }

        if (isLeaving && (0 == controlPublisher.pendingFrames() || nowNs - leaveDeadlineNs >= 0))
        {
            throw new Node.NodeLeft(nodeId);
        }

        return workCount;
    }

    /**
     * Swap in the subscriptions the driver has added for streams this node was cut loose from.
     */
    private int swapResubscribed()
    {
        int workCount = 0;
        flushReceived();
        for (int i = resubscribing.size() - 1; i >= 0; i--)
        {
            final BroadcastStream stream = resubscribing.get(i);
            final DataAdapter adapter = stream.pollResubscribed();
            if (null != adapter)
            {
                resubscribing.remove(i);
                workCount++;
                if (Channel.Kind.PUBLIC == stream.kind())
                {
                    publicAdapter = adapter;
                }
                else
                {
                    groupAdapter = adapter;
                }
            }
        }

        return workCount;
    }

    /**
     * Send the join as soon as the control stream is connected, then every {@link #JOIN_RESEND_NS} until
     * acknowledged; once acknowledged, the node has joined when its confirmation publication is connected (the
     * master's confirmation subscription exists), so a confirmation right after the join is never lost.
     */
    private int join(final long nowNs)
    {
        if (isJoinAcked)
        {
            if (routes.confirmationPublication().isConnected())
            {
                joined.complete(null);
                counters.state(ClustrCounters.NODE_ONLINE);
                return 1;
            }
        }

        if (nowNs - nextJoinNs >= 0 && controlPublisher.isConnected())
        {
            nextJoinNs = nowNs + JOIN_RESEND_NS;
            if (controlPublisher.join(node.self()))
            {
                return 1;
            }
        }

        return 0;
    }

    @Override
    public void onClose()
    {
        try
        {
            runCommands();
            flushReceived();
            counters.updateSent();
            kills.failAll(new ClustrException("node " + nodeId + " closed before the worker's exit"));
            acks.close();
            joined.completeExceptionally(new ClustrException("node " + nodeId + " closed"));
        }
        finally
        {
            stopped.countDown();
            node.onAgentStopped();
        }
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    private void flushReceived()
    {
        flushReceived(Channel.Kind.PRIVATE, privateAdapter);
        final DataAdapter publicAdapter = this.publicAdapter;
        if (null != publicAdapter)
        {
            flushReceived(Channel.Kind.PUBLIC, publicAdapter);
        }
        final DataAdapter groupAdapter = this.groupAdapter;
        if (null != groupAdapter)
        {
            flushReceived(Channel.Kind.GROUP, groupAdapter);
        }
        final ConfirmationAdapter confirmationAdapter = this.confirmationAdapter;
        if (null != confirmationAdapter)
        {
            final long confirmed = confirmationAdapter.takeReceived();
            if (confirmed > 0)
            {
                counters.addReceived(Channel.Kind.CONFIRMATION, confirmed, confirmationAdapter.takeReceivedBytes());
            }
        }
    }

    private void flushReceived(final Channel.Kind kind, final DataAdapter adapter)
    {
        final long delivered = adapter.takeDelivered();
        if (delivered > 0)
        {
            counters.addReceived(kind, delivered, adapter.takeDeliveredBytes());
        }
    }

    private int runCommands()
    {
        int count = 0;
        Runnable command;
        while (null != (command = commands.poll()))
        {
            count++;
            try
            {
                command.run();
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

        return count;
    }

    private void slowTick(final long nowNs)
    {
        if (!isOrphaned && null != parent && !parent.isAlive())
        {
            isOrphaned = true;
            node.onOrphaned("its parent process " + parent.pid() + " has exited");
        }

        if (!isOrphaned && aeron.isClosed())
        {
            isOrphaned = true;
            node.onOrphaned(node.whyAeronClosed());
        }

        kills.expire(nowNs);
        counters.updateSent();
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Control frames
    // ----------------------------------------------------------------------------------------------------------------

    @Override
    public void onJoin(final MemberInfo member)
    {
        final boolean isNew = membership.join(member);
        if (isNew)
        {
            onJoined(member);
        }

        if (isMaster)
        {
            // Assigned before the JoinAck: a node that learns of the worker in any way finds its group's id.
            groups.assign(member.group());
            controlPublisher.joinAck(member.id(), masterPid, membership.members());
        }

        if (isNew && member.parentId() == nodeId)
        {
            spawnBridge.onChildJoined(member.id());
        }
    }

    @Override
    public boolean isJoinAckWanted(final long workerId)
    {
        return workerId == nodeId && !isJoinAcked;
    }

    @Override
    public void onJoinAck(final long workerId, final long masterPid, final List<MemberInfo> members)
    {
        if (isJoinAckWanted(workerId))
        {
            for (final MemberInfo member : members)
            {
                if (membership.join(member))
                {
                    onJoined(member);
                }
            }
            this.masterPid = masterPid;
            groups.masterPid(masterPid);
            final int groupId = groups.idOf(node.group());
            if (groupId <= GroupRegistry.NO_GROUP_ID)
            {
                throw new ClustrException("master " + masterPid + " acknowledged the join but has no id for group '" +
                    node.group() + "' in the driver's counters: is the master of another clustr version?");
            }
            routes.senderGroupId(groupId);
            isJoinAcked = true;
            join(System.nanoTime());
        }
    }

    @Override
    public void onLeave(final long workerId, final int exitCode)
    {
        final ExitStatus status = ExitStatus.reported(exitCode, 0, "left the cluster with exit code " + exitCode);
        final boolean isNew = !membership.hasDeparted(workerId);
        final MemberInfo member = membership.depart(workerId, status);
        routes.closePrivate(workerId);
        if (isNew)
        {
            onLeft(workerId, status);
        }

        // Workers with a clustr parent get an Exit from the parent, with the real process exit; others only Leave.
        if (null == member || member.parentId() < 0)
        {
            kills.complete(workerId, status);
        }
    }

    @Override
    public void onKill(final long targetId, final long requesterId, final int exitCode)
    {
        if (targetId == nodeId)
        {
            node.onKilled(exitCode, requesterId);
            return;
        }

        final ChildProcess child = spawnBridge.child(targetId);
        if (null != child && child.state() != ChildState.EXITED)
        {
            spawnBridge.killChild(child, exitCode);
        }
    }

    @Override
    public void onExit(
        final long workerId,
        final long parentId,
        final long pid,
        final int exitCode,
        final int signal,
        final boolean respawning,
        final String reason)
    {
        final ExitStatus status = ExitStatus.reported(exitCode, signal, reason);
        final boolean isNew = !membership.hasDeparted(workerId);
        membership.depart(workerId, status);
        routes.closePrivate(workerId);
        kills.complete(workerId, status);
        if (isNew)
        {
            onLeft(workerId, status);
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Membership events
    // ----------------------------------------------------------------------------------------------------------------

    private void onJoined(final MemberInfo member)
    {
        for (int i = 0, size = membershipListeners.size(); i < size; i++)
        {
            notifyJoined(membershipListeners.get(i), member);
        }
    }

    private void notifyJoined(final MembershipListener listener, final MemberInfo member)
    {
        try
        {
            listener.onJoined(member);
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
        }
    }

    private void onLeft(final long memberId, final ExitStatus status)
    {
        acks.onDeparture(memberId, status);
        for (int i = 0, size = membershipListeners.size(); i < size; i++)
        {
            try
            {
                membershipListeners.get(i).onLeft(memberId, status);
            }
            catch (final Throwable ex)
            {
                errorHandler.onError(ex);
            }
        }
    }

    @Override
    public void onListening(final long workerId, final InetSocketAddress address)
    {
        spawnBridge.onChildListening(workerId, address);
    }

    /**
     * An operator command asks the master for a group operation: STARTED at once, then the outcome, as replies on
     * the control stream the command reads.
     */
    @Override
    public void onOperatorRequest(
        final long requestId, final long requesterPid, final boolean reload, final int count, final String group)
    {
        if (!(node instanceof Master))
        {
            return;
        }

        final GroupOperations operations = ((Master)node).groupOperations();
        final String requestedBy = "operator (clustr " + (reload ? "reload" : "scale") + ", pid " + requesterPid + ")";
        final CompletableFuture<List<WorkerHandle>> result;
        try
        {
            result = reload ? operations.reload(group, requestedBy) : operations.scale(group, count, requestedBy);
        }
        catch (final RuntimeException ex)
        {
            controlPublisher.operatorReply(requestId, requesterPid, OperatorStatus.FAILED, ex.getMessage());
            return;
        }

        controlPublisher.operatorReply(requestId, requesterPid, OperatorStatus.STARTED,
            (reload ? "reload " : "scale ") + group + (reload ? "" : " " + count) + ": started");
        result.whenComplete((workers, ex) -> submit(() ->
        {
            if (null == ex)
            {
                final List<Long> ids = new ArrayList<>();
                workers.forEach((worker) -> ids.add(worker.id()));
                controlPublisher.operatorReply(requestId, requesterPid, OperatorStatus.SUCCEEDED,
                    (reload ? "reload " + group + ": every worker replaced, new workers " :
                    "scale " + group + " " + count + ": done, new workers ") + ids);
            }
            else
            {
                controlPublisher.operatorReply(requestId, requesterPid, OperatorStatus.FAILED, ex.getMessage());
            }
        }));
    }
}
