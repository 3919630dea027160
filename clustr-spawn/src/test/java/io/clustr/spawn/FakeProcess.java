package io.clustr.spawn;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A process that is not one, for the conductor's unit tests: it exits when the test says so, and records the signals
 * it was sent (SIGTERM does nothing by itself; SIGKILL ends it with 137).
 */
final class FakeProcess extends Process
{
    private final long pid;
    private final CompletableFuture<Process> exit = new CompletableFuture<>();
    private volatile int exitValue = -1;
    private int termsReceived;
    private int killsReceived;

    FakeProcess(final long pid)
    {
        this.pid = pid;
    }

    /**
     * The process ends with this exit value (128 + N for death by signal N).
     */
    void exit(final int value)
    {
        exitValue = value;
        exit.complete(this);
    }

    synchronized int termsReceived()
    {
        return termsReceived;
    }

    synchronized int killsReceived()
    {
        return killsReceived;
    }

    @Override
    public long pid()
    {
        return pid;
    }

    @Override
    public OutputStream getOutputStream()
    {
        return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream()
    {
        return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream()
    {
        return InputStream.nullInputStream();
    }

    @Override
    public int waitFor()
    {
        return exit.join().exitValue();
    }

    @Override
    public int exitValue()
    {
        if (!exit.isDone())
        {
            throw new IllegalThreadStateException("process " + pid + " has not exited");
        }

        return exitValue;
    }

    @Override
    public boolean isAlive()
    {
        return !exit.isDone();
    }

    @Override
    public synchronized void destroy()
    {
        termsReceived++;
    }

    @Override
    public synchronized Process destroyForcibly()
    {
        killsReceived++;
        if (isAlive())
        {
            exit(137);
        }

        return this;
    }

    @Override
    public CompletableFuture<Process> onExit()
    {
        return exit;
    }

    @Override
    public Stream<ProcessHandle> descendants()
    {
        return Stream.empty();
    }
}
