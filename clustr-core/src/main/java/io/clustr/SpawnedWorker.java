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
 * A {@link WorkerHandle} over the supervisor's child process, with kill through the cluster.
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

    public CompletableFuture<ExitStatus> kill(final int exitCode)
    {
        return node.killWorker(child.id(), exitCode);
    }

    public long id()
    {
        return child.id();
    }

    public long pid()
    {
        return child.pid();
    }

    public Spec spec()
    {
        return child.spec();
    }

    public ChildState state()
    {
        return child.state();
    }

    public int restarts()
    {
        return child.restarts();
    }

    public Instant startTime()
    {
        return child.startTime();
    }

    public Duration uptime()
    {
        return child.uptime();
    }

    public Optional<ExitStatus> exitStatus()
    {
        return child.exitStatus();
    }

    public Optional<ExitStatus> lastExit()
    {
        return child.lastExit();
    }

    public CompletableFuture<ExitStatus> onExit()
    {
        return child.onExit();
    }

    public String label()
    {
        return child.label();
    }

    public String toString()
    {
        return "Worker[" + child.label() + " " + child.state() + "]";
    }
}
