package io.clustr;

import io.clustr.spawn.ChildProcess;
import io.clustr.spawn.ChildState;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.Spec;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link WorkerHandle} over the supervisor's child process, with kill through the cluster. Handles of the same
 * incarnation are equal, so the handle a listener gets in {@code onExit} equals the one {@code spawn} returned.
 */
final class SpawnedWorker implements WorkerHandle
{
    private final Node node;
    private final ChildProcess child;

    SpawnedWorker(final Node node, final ChildProcess child)
    {
        this.node = node;
        this.child = child;
    }

    @Override
    public CompletableFuture<ExitStatus> kill(final int exitCode)
    {
        return node.killWorker(child.id(), exitCode);
    }

    @Override
    public long id()
    {
        return child.id();
    }

    @Override
    public long slotId()
    {
        return child.slotId();
    }

    @Override
    public long pid()
    {
        return child.pid();
    }

    @Override
    public Spec spec()
    {
        return child.spec();
    }

    @Override
    public ChildState state()
    {
        return child.state();
    }

    @Override
    public int restarts()
    {
        return child.restarts();
    }

    @Override
    public Instant startTime()
    {
        return child.startTime();
    }

    @Override
    public Duration uptime()
    {
        return child.uptime();
    }

    @Override
    public Optional<ExitStatus> exitStatus()
    {
        return child.exitStatus();
    }

    @Override
    public Optional<ExitStatus> lastExit()
    {
        return child.lastExit();
    }

    @Override
    public CompletableFuture<ExitStatus> onExit()
    {
        return child.onExit();
    }

    @Override
    public String label()
    {
        return child.label();
    }

    @Override
    public boolean equals(final Object obj)
    {
        return obj instanceof SpawnedWorker && ((SpawnedWorker)obj).child.id() == child.id() &&
            ((SpawnedWorker)obj).node == node;
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(child.id());
    }

    @Override
    public String toString()
    {
        return "Worker[" + child.label() + " " + child.state() + "]";
    }
}
