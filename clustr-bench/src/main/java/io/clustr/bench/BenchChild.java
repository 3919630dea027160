package io.clustr.bench;

import io.clustr.spawn.ChildProcess;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.Supervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A process the orchestrator started through {@link BenchProcesses} (clustr-spawn's {@link Supervisor}): waits for
 * its {@code BENCH} lines and its exit, and {@link #close()} ends it and whatever it started.
 */
final class BenchChild implements AutoCloseable
{
    private static final long POLL_MS = 100;

    private final BenchProcesses processes;
    private final Supervisor supervisor;
    private final ChildProcess process;
    private final ChildLog log;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<ProcessHandle> descendants = new ArrayList<>();

    BenchChild(
        final BenchProcesses processes, final Supervisor supervisor, final ChildProcess process, final ChildLog log)
    {
        this.processes = processes;
        this.supervisor = supervisor;
        this.process = process;
        this.log = log;
    }

    /**
     * Name given at start.
     *
     * @return the name.
     */
    String name()
    {
        return process.spec().name();
    }

    /**
     * Process id.
     *
     * @return the pid.
     */
    long pid()
    {
        return process.pid();
    }

    /**
     * Whether the process is still running.
     *
     * @return true until it has exited.
     */
    boolean isAlive()
    {
        return !process.onExit().isDone();
    }

    /**
     * Wait for the next {@code BENCH} line (after the ones already taken) that starts with {@code prefix}; other
     * {@code BENCH} lines before it are skipped.
     *
     * @param prefix    e.g. {@code "BENCH bench=throughput"}.
     * @param timeoutMs how long to wait.
     * @return the line.
     * @throws IllegalStateException on timeout or if the process exits first, with the end of its output.
     */
    String awaitLine(final String prefix, final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            String line = log.takeBenchLine(prefix);
            if (null != line)
            {
                return line;
            }

            if (process.onExit().isDone())
            {
                // onExit completes once the output has been drained: nothing more will come
                line = log.takeBenchLine(prefix);
                if (null != line)
                {
                    return line;
                }

                throw failure("exited (" + process.onExit().join().reason() + ") before '" + prefix + "'");
            }

            final long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            if (remainingMs <= 0)
            {
                throw failure("no '" + prefix + "' within " + timeoutMs + " ms");
            }

            try
            {
                log.awaitBenchLine(Math.min(remainingMs, POLL_MS));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw failure("interrupted waiting for '" + prefix + "'");
            }
        }
    }

    /**
     * Wait for the process to exit by itself, successfully.
     *
     * @param timeoutMs how long to wait.
     * @return how it exited (code 0).
     * @throws IllegalStateException if it is still running after the timeout or exited with an error.
     */
    ExitStatus awaitExit(final long timeoutMs)
    {
        final ExitStatus status;
        try
        {
            status = process.onExit().get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw failure("still running after " + timeoutMs + " ms");
        }
        catch (final ExecutionException ex)
        {
            throw failure("exit not known: " + ex.getCause());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw failure("interrupted waiting for exit");
        }

        if (!status.isSuccess())
        {
            throw failure("failed: " + status.reason());
        }

        return status;
    }

    /**
     * Stop the process and its descendants: SIGTERM, then SIGKILL after {@link BenchProcesses#STOP_GRACE}.
     */
    public void close()
    {
        stop();
        awaitStopped();
    }

    /**
     * Ask the process to stop (clustr-spawn's {@code terminate}: SIGTERM now, SIGKILL after the grace); does not
     * wait. What it started itself is remembered, to be stopped by {@link #awaitStopped()} if it outlives it.
     */
    void stop()
    {
        if (stopping.compareAndSet(false, true) && isAlive())
        {
            ProcessHandle.of(process.pid()).ifPresent((handle) -> handle.descendants().forEach(descendants::add));
            supervisor.terminate(process.id(), BenchProcesses.STOP_GRACE);
        }
    }

    /**
     * Wait until the process has exited after {@link #stop()}, then end any descendant still running.
     */
    void awaitStopped()
    {
        final Duration wait = BenchProcesses.STOP_GRACE.plusSeconds(5);
        try
        {
            process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            System.err.println("# " + process.label() + " did not exit within " + wait.toSeconds() + " s: " + ex);
        }

        endDescendants();
        processes.onStopped(this);
    }

    private void endDescendants()
    {
        final List<ProcessHandle> alive = new ArrayList<>();
        for (final ProcessHandle handle : descendants)
        {
            if (handle.isAlive())
            {
                handle.destroy();
                alive.add(handle);
            }
        }

        final long deadlineNs = System.nanoTime() + BenchProcesses.STOP_GRACE.toNanos();
        for (final ProcessHandle handle : alive)
        {
            try
            {
                handle.onExit().get(
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())), TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                handle.destroyForcibly();
            }
            catch (final ExecutionException | TimeoutException ex)
            {
                handle.destroyForcibly();
            }
        }
    }

    private IllegalStateException failure(final String what)
    {
        return new IllegalStateException(process.label() + " (" + name() + "): " + what + "; last output:" +
            log.tail());
    }
}
