package io.clustr.spawn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A listener that records every event with its time, for the system tests.
 */
final class Recorder implements SupervisorListener
{
    static final class Fork
    {
        final ChildProcess child;
        final long timeNs;

        Fork(final ChildProcess child, final long timeNs)
        {
            this.child = child;
            this.timeNs = timeNs;
        }
    }

    static final class Exit
    {
        final ChildProcess child;
        final ExitStatus status;
        final boolean willRespawn;

        Exit(final ChildProcess child, final ExitStatus status, final boolean willRespawn)
        {
            this.child = child;
            this.status = status;
            this.willRespawn = willRespawn;
        }
    }

    static final class GaveUp
    {
        final ChildProcess child;
        final String reason;

        GaveUp(final ChildProcess child, final String reason)
        {
            this.child = child;
            this.reason = reason;
        }
    }

    private final List<Fork> forks = new ArrayList<>();
    private final List<Exit> exits = new ArrayList<>();
    private final List<GaveUp> gaveUps = new ArrayList<>();

    @Override
    public synchronized void onFork(final ChildProcess child)
    {
        forks.add(new Fork(child, System.nanoTime()));
        notifyAll();
    }

    @Override
    public synchronized void onExit(final ChildProcess child, final ExitStatus status, final boolean willRespawn)
    {
        exits.add(new Exit(child, status, willRespawn));
        notifyAll();
    }

    @Override
    public synchronized void onGaveUp(final ChildProcess lastIncarnation, final String reason)
    {
        gaveUps.add(new GaveUp(lastIncarnation, reason));
        notifyAll();
    }

    synchronized List<Fork> forks()
    {
        return new ArrayList<>(forks);
    }

    synchronized List<Exit> exits()
    {
        return new ArrayList<>(exits);
    }

    synchronized List<GaveUp> gaveUps()
    {
        return new ArrayList<>(gaveUps);
    }

    List<Fork> awaitForks(final int n, final long timeoutMs) throws InterruptedException
    {
        awaitSize(() -> forks.size(), n, timeoutMs, "forks");
        return forks();
    }

    List<Exit> awaitExits(final int n, final long timeoutMs) throws InterruptedException
    {
        awaitSize(() -> exits.size(), n, timeoutMs, "exits");
        return exits();
    }

    List<GaveUp> awaitGaveUps(final int n, final long timeoutMs) throws InterruptedException
    {
        awaitSize(() -> gaveUps.size(), n, timeoutMs, "gave-ups");
        return gaveUps();
    }

    private synchronized void awaitSize(
        final Supplier<Integer> size, final int n, final long timeoutMs, final String what)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (size.get() < n)
        {
            final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            if (leftMs <= 0)
            {
                throw new AssertionError("expected " + n + " " + what + " within " + timeoutMs + " ms, got " +
                    size.get() + "; exits: " + describeExits());
            }
            wait(leftMs);
        }
    }

    private String describeExits()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Exit exit : exits)
        {
            sb.append(exit.child.label()).append(": ").append(exit.status.reason()).append("; ");
        }

        return sb.toString();
    }
}
