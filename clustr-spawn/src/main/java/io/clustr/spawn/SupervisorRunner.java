package io.clustr.spawn;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The supervisor thread: runs the conductor's duty cycle until it has terminated, and parks when there is nothing to
 * do, until the next deadline or a command wakes it ({@link LockSupport#unpark(Thread)}), at most
 * {@link #MAX_PARK_NS}. It never spins. The thread is long-lived and a daemon: the children are forked from it, and
 * {@code setpriv --pdeathsig TERM} ties them to it, so it lives until the last child has been reaped.
 */
final class SupervisorRunner implements Runnable
{
    /**
     * Longest park when no deadline is near: a safety net only, every event wakes the thread.
     */
    static final long MAX_PARK_NS = TimeUnit.SECONDS.toNanos(1);

    private static final System.Logger LOGGER = System.getLogger(Supervisor.class.getName());

    private final SupervisorConductor conductor;
    private final LongSupplier nanoClock;
    private final Thread thread;

    /**
     * A runner for a conductor, with its thread created (not started).
     *
     * @param conductor  what to run.
     * @param nanoClock  the clock given to {@link SupervisorConductor#doWork(long)}.
     * @param threadName the thread's name.
     */
    SupervisorRunner(final SupervisorConductor conductor, final LongSupplier nanoClock, final String threadName)
    {
        this.conductor = conductor;
        this.nanoClock = nanoClock;
        this.thread = new Thread(this, threadName);
        this.thread.setDaemon(true);
        conductor.thread(thread);
    }

    /**
     * Start the supervisor thread.
     *
     * @return this.
     */
    SupervisorRunner start()
    {
        thread.start();
        return this;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void run()
    {
        while (!conductor.isTerminated())
        {
            final long nowNs = nanoClock.getAsLong();
            int work;
            try
            {
                work = conductor.doWork(nowNs);
            }
            catch (final Throwable ex)
            {
                LOGGER.log(System.Logger.Level.ERROR, "clustr: supervisor duty cycle failed", ex);
                work = 0;
            }

            if (0 == work && !conductor.hasCommands() && !conductor.isTerminated())
            {
                LockSupport.parkNanos(this, parkNs(nowNs, conductor.nextDeadlineNs()));
                Thread.interrupted();
            }
        }
    }

    /**
     * Wait for the supervisor thread to end, at most {@code timeoutNs}.
     *
     * @param timeoutNs the longest wait.
     * @return true if the thread has ended.
     */
    boolean awaitTermination(final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        boolean interrupted = false;
        try
        {
            while (thread.isAlive())
            {
                final long leftNs = deadlineNs - System.nanoTime();
                if (leftNs <= 0)
                {
                    return false;
                }

                try
                {
                    TimeUnit.NANOSECONDS.timedJoin(thread, leftNs);
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }

            return true;
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * How long to park: until the deadline, between 1 ns and {@link #MAX_PARK_NS}.
     *
     * @param nowNs      the time now.
     * @param deadlineNs the next deadline, or {@link SupervisorConductor#NO_DEADLINE}.
     * @return the park time in nanoseconds.
     */
    static long parkNs(final long nowNs, final long deadlineNs)
    {
        if (SupervisorConductor.NO_DEADLINE == deadlineNs)
        {
            return MAX_PARK_NS;
        }

        final long leftNs = deadlineNs - nowNs;

        return Math.max(1, Math.min(leftNs, MAX_PARK_NS));
    }
}
