package io.clustr;

import io.aeron.Aeron;
import io.clustr.spawn.ChildProcess;
import io.clustr.spawn.ChildState;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.Supervisor;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The duty cycle of a node: one thread that polls the data subscriptions and runs the user's handlers every cycle,
 * and as housekeeping polls the control stream (membership, kill), runs commands handed over by other threads
 * (supervisor events) and invokes the Aeron client conductor. Slow work (join retries, parent and driver liveness,
 * kill deadlines) runs on a 100 ms tick.
 */
final class NodeAgent implements Agent, ControlListener
{
    private static final long SLOW_TICK_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long CONDUCTOR_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long JOIN_RESEND_NS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int HOUSEKEEPING_IDLE_CYCLES = 16;
    private static final int HOUSEKEEPING_STRIDE_MASK = 15;

    private final Node node;
    private final String roleName;
    private final AgentInvoker conductorInvoker;
    private final ControlAdapter controlAdapter;
    private final DataAdapter privateAdapter;
    private volatile DataAdapter publicAdapter;
    private volatile DataAdapter groupAdapter;
    private final ConfirmationAdapter confirmationAdapter;
    private final AtomicCounter messagesReceived;
    private final ManyToOneConcurrentLinkedQueue<Runnable> commands = new ManyToOneConcurrentLinkedQueue<>();
    private final ProcessHandle parent;
    private long cycles;
    private int idleCycles;
    private long nextSlowTickNs;
    private long nextConductorNs;
    private long nextJoinNs;
    private boolean isOrphaned;

    NodeAgent(
        final Node node,
        final String roleName,
        final Aeron aeron,
        final ControlAdapter controlAdapter,
        final DataAdapter privateAdapter,
        final ConfirmationAdapter confirmationAdapter,
        final AtomicCounter messagesReceived,
        final ProcessHandle parent)
    {
        this.node = node;
        this.roleName = roleName;
        this.conductorInvoker = aeron.conductorAgentInvoker();
        this.controlAdapter = controlAdapter;
        this.privateAdapter = privateAdapter;
        this.confirmationAdapter = confirmationAdapter;
        this.messagesReceived = messagesReceived;
        this.parent = parent;
        final long nowNs = System.nanoTime();
        this.nextSlowTickNs = nowNs;
        this.nextConductorNs = nowNs;
        this.nextJoinNs = nowNs;
    }

    /**
     * Start polling the public stream: a node subscribes to it only once it has a public handler, so nodes that do
     * not listen never slow down its publishers.
     */
    void publicAdapter(final DataAdapter adapter)
    {
        publicAdapter = adapter;
    }

    /**
     * Start polling the node's group stream, once it has a group handler.
     */
    void groupAdapter(final DataAdapter adapter)
    {
        groupAdapter = adapter;
    }

    /**
     * Run a command on the duty-cycle thread.
     */
    void submit(final Runnable command)
    {
        commands.offer(command);
    }

    @Override
    public int doWork()
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
        // been idle for a while, where the idle strategy makes cycles long anyway, and every 16th cycle while
        // messages flow or the strategy is still spinning, where reading the clock and polling rare streams would
        // otherwise sit on the message path.
        if (idleCycles >= HOUSEKEEPING_IDLE_CYCLES || 0 == (++cycles & HOUSEKEEPING_STRIDE_MASK))
        {
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
        final int workCount = controlAdapter.poll() + runCommands();

        final long nowNs = System.nanoTime();
        if (nowNs - nextConductorNs >= 0)
        {
            nextConductorNs = nowNs + CONDUCTOR_INTERVAL_NS;
            conductorInvoker.invoke();
        }

        if (nowNs - nextSlowTickNs >= 0)
        {
            nextSlowTickNs = nowNs + SLOW_TICK_NS;
            slowTick(nowNs);
        }

        return workCount;
    }

    @Override
    public void onClose()
    {
        runCommands();
        flushReceived();
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    private void flushReceived()
    {
        long delivered = privateAdapter.takeDelivered();
        final DataAdapter publicAdapter = this.publicAdapter;
        if (null != publicAdapter)
        {
            delivered += publicAdapter.takeDelivered();
        }
        final DataAdapter groupAdapter = this.groupAdapter;
        if (null != groupAdapter)
        {
            delivered += groupAdapter.takeDelivered();
        }
        if (delivered > 0)
        {
            messagesReceived.getAndAddRelease(delivered);
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
            catch (final Throwable ex)
            {
                node.errorHandler().onError(ex);
            }
        }

        return count;
    }

    private void slowTick(final long nowNs)
    {
        if (!node.isJoined() && nowNs - nextJoinNs >= 0)
        {
            nextJoinNs = nowNs + JOIN_RESEND_NS;
            if (node.controlPublisher().isConnected())
            {
                node.controlPublisher().join(node.self());
            }
        }

        if (!isOrphaned && null != parent && !parent.isAlive())
        {
            isOrphaned = true;
            node.onOrphaned("its parent process " + parent.pid() + " has exited");
        }

        if (!isOrphaned && node.aeronClient().isClosed())
        {
            isOrphaned = true;
            node.onOrphaned("its media driver has gone");
        }

        node.expireKills(nowNs);
    }

    @Override
    public void onJoin(final MemberInfo member)
    {
        final Membership membership = node.membership();
        final boolean isNew = membership.join(member);

        if (node.isMaster())
        {
            node.controlPublisher().joinAck(member.id(), ProcessHandle.current().pid(), membership.members());
        }

        if (isNew && member.parentId() == node.id())
        {
            node.onChildJoined(member.id());
        }
    }

    @Override
    public void onJoinAck(final long workerId, final long masterPid, final List<MemberInfo> members)
    {
        if (workerId == node.id() && !node.isJoined())
        {
            final Membership membership = node.membership();
            for (final MemberInfo member : members)
            {
                membership.join(member);
            }
            node.onJoined(masterPid);
        }
    }

    @Override
    public void onLeave(final long workerId, final int exitCode)
    {
        final MemberInfo member = node.membership().member(workerId);
        final ExitStatus status = ExitStatus.reported(exitCode, 0, "left the cluster with exit code " + exitCode);
        node.membership().depart(workerId, status);
        node.routes().closePrivate(workerId);

        // Workers with a clustr parent get an Exit from the parent, with the real process exit; others only Leave.
        if (null == member || member.parentId() < 0)
        {
            node.completeKill(workerId, status);
        }
    }

    @Override
    public void onKill(final long targetId, final long requesterId, final int exitCode)
    {
        if (targetId == node.id())
        {
            node.onKilled(exitCode, requesterId);
            return;
        }

        final Supervisor supervisor = node.supervisorOrNull();
        final ChildProcess child = null == supervisor ? null : supervisor.child(targetId);
        if (null != child && child.state() != ChildState.EXITED)
        {
            node.killChild(child, exitCode);
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
        node.membership().depart(workerId, status);
        node.routes().closePrivate(workerId);
        node.completeKill(workerId, status);
    }
}
