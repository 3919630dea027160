package io.clustr.spawn;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One incarnation of a slot: the process, its output pumps, and the supervisor's bookkeeping. The fields without
 * {@code volatile} are touched only on the supervisor thread.
 */
final class Child implements ChildProcess
{
    static final int NO_EXPECTED_CODE = Integer.MIN_VALUE;

    private final long id;
    private final Spec spec;
    private final int restarts;
    private final Optional<ExitStatus> lastExit;
    private final Process process;
    private final long pid;
    private final String label;
    private final Instant startTime;
    private final long startNs;
    private final AtomicReference<ChildState> state = new AtomicReference<>(ChildState.STARTING);
    private final CompletableFuture<ExitStatus> exitFuture = new CompletableFuture<>();
    private volatile ExitStatus exitStatus;
    private volatile long exitNs;

    final Slot slot;
    OutputPump outPump;
    OutputPump errPump;
    Path errFile;
    ScheduledFuture<?> killTimer;
    long killDeadlineNs;
    int expectedCode = NO_EXPECTED_CODE;
    boolean forceKilled;

    Child(
        final Slot slot,
        final long id,
        final int restarts,
        final Optional<ExitStatus> lastExit,
        final Process process,
        final Instant startTime,
        final long startNs)
    {
        this.slot = slot;
        this.id = id;
        this.spec = slot.spec;
        this.restarts = restarts;
        this.lastExit = lastExit;
        this.process = process;
        this.pid = process.pid();
        this.label = spec.name() + "#" + id + " " + pid;
        this.startTime = startTime;
        this.startNs = startNs;
    }

    Process process()
    {
        return process;
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
        if (null != errPump)
        {
            return errPump.tail();
        }

        if (null != errFile)
        {
            return Tail.lastLines(errFile, OutputPump.TAIL_LINES);
        }

        return List.of();
    }

    @Override
    public long id()
    {
        return id;
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
        final long endNs = null == exitStatus ? System.nanoTime() : exitNs;

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
