package io.clustr.spawn;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * One incarnation of a slot: the process, its output, and the conductor's bookkeeping. The state is atomic (callers
 * move it to ONLINE or STOPPING at once); the fields without {@code volatile} are touched only on the supervisor
 * thread.
 */
final class Child implements ChildProcess
{
    static final int NO_EXPECTED_CODE = Integer.MIN_VALUE;

    private final long id;
    private final long slotId;
    private final Spec spec;
    private final int restarts;
    private final Optional<ExitStatus> lastExit;
    private final LaunchedProcess launched;
    private final long pid;
    private final String label;
    private final Instant startTime;
    private final long startNs;
    private final LongSupplier nanoClock;
    private final AtomicReference<ChildState> state = new AtomicReference<>(ChildState.STARTING);
    private final CompletableFuture<ExitStatus> exitFuture = new CompletableFuture<>();
    private volatile ExitStatus exitStatus;
    private volatile long exitNs;

    final Slot slot;
    long killDeadlineNs = SupervisorConductor.NO_DEADLINE;
    long drainDeadlineNs = SupervisorConductor.NO_DEADLINE;
    int expectedCode = NO_EXPECTED_CODE;
    boolean forceKilled;
    boolean exitSeen;

    Child(
        final Slot slot,
        final long id,
        final int restarts,
        final Optional<ExitStatus> lastExit,
        final LaunchedProcess launched,
        final Instant startTime,
        final long startNs,
        final LongSupplier nanoClock)
    {
        this.slot = slot;
        this.id = id;
        if (slot.firstId < 0)
        {
            slot.firstId = id;
        }
        this.slotId = slot.firstId;
        this.spec = slot.spec;
        this.restarts = restarts;
        this.lastExit = lastExit;
        this.launched = launched;
        this.pid = launched.process().pid();
        this.label = LaunchedProcess.label(spec.name(), id, pid);
        this.startTime = startTime;
        this.startNs = startNs;
        this.nanoClock = nanoClock;
    }

    Process process()
    {
        return launched.process();
    }

    LaunchedProcess launched()
    {
        return launched;
    }

    long startNs()
    {
        return startNs;
    }

    boolean markOnline()
    {
        return state.compareAndSet(ChildState.STARTING, ChildState.ONLINE);
    }

    void markStopping()
    {
        while (true)
        {
            final ChildState current = state.get();
            if (ChildState.STOPPING == current || ChildState.EXITED == current ||
                state.compareAndSet(current, ChildState.STOPPING))
            {
                return;
            }
        }
    }

    void markExited(final ExitStatus status, final long nowNs)
    {
        exitNs = nowNs;
        exitStatus = status;
        state.set(ChildState.EXITED);
    }

    void completeExit(final ExitStatus status)
    {
        exitFuture.complete(status);
    }

    List<String> stderrTail()
    {
        return launched.stderrTail();
    }

    @Override
    public long id()
    {
        return id;
    }

    @Override
    public long slotId()
    {
        return slotId;
    }

    @Override
    public long pid()
    {
        return pid;
    }

    @Override
    public Spec spec()
    {
        return spec;
    }

    @Override
    public ChildState state()
    {
        return state.get();
    }

    @Override
    public int restarts()
    {
        return restarts;
    }

    @Override
    public Instant startTime()
    {
        return startTime;
    }

    @Override
    public Duration uptime()
    {
        final long endNs = null == exitStatus ? nanoClock.getAsLong() : exitNs;

        return Duration.ofNanos(endNs - startNs);
    }

    @Override
    public Optional<ExitStatus> exitStatus()
    {
        return Optional.ofNullable(exitStatus);
    }

    @Override
    public Optional<ExitStatus> lastExit()
    {
        return lastExit;
    }

    @Override
    public CompletableFuture<ExitStatus> onExit()
    {
        return exitFuture.copy();
    }

    @Override
    public String label()
    {
        return label;
    }

    @Override
    public String toString()
    {
        final ExitStatus status = exitStatus;

        return "ChildProcess{" + label + ", " + state.get() + ", restarts=" + restarts +
            (null == status ? "" : ", " + status.reason()) + "}";
    }
}
