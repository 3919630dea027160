package io.clustr.spawn;

import net.openhft.affinity.Affinity;
import net.openhft.affinity.AffinityLock;
import net.openhft.affinity.impl.NullAffinity;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pins the calling thread to a CPU with Java-Thread-Affinity, for use inside a child (clustr-core's duty-cycle thread
 * factory calls it from the thread it starts).
 * <p>
 * {@link #pinCurrentThread(int)} takes {@code AffinityLock.acquireLock(cpu)}, which binds only the calling thread and
 * takes a file lock ({@code <java.io.tmpdir>/cpu-N.lock}) so two processes never lock the same CPU. A spawned child
 * pinned with {@link SpawnOption#cpu(int)} already has every thread on that CPU ({@code taskset}) and gets
 * {@code -Daffinity.reserved} for it, so the lock is granted there. Not getting the lock is a normal outcome: the
 * handle's {@code cpuId()} is then -1 and the thread runs unpinned. Nothing here busy-spins.
 */
public final class Pinning
{
    private static final System.Logger LOGGER = System.getLogger(Pinning.class.getName());
    private static final AtomicBoolean UNSUPPORTED_WARNED = new AtomicBoolean();
    private static final AtomicBoolean TAKEN_NOTED = new AtomicBoolean();
    private static final PinnedThread NOT_PINNED = new NotPinned();

    private Pinning()
    {
    }

    /**
     * A thread's hold on a CPU, released by {@link #close()} (from the same thread).
     */
    public interface PinnedThread extends AutoCloseable
    {
        /**
         * The CPU the thread is locked to.
         *
         * @return the CPU id, or -1 when the thread is not pinned.
         */
        int cpuId();

        /**
         * Release the lock and let the thread run on the process's CPUs again. Idempotent; never throws.
         */
        @Override
        void close();
    }

    /**
     * Can this platform pin threads (Linux, or another platform Java-Thread-Affinity supports, with JNA working)?
     *
     * @return true if thread affinity is supported here.
     */
    public static boolean isSupported()
    {
        try
        {
            return !(Affinity.getAffinityImpl() instanceof NullAffinity);
        }
        catch (final Throwable ignore)
        {
            return false;
        }
    }

    /**
     * Lock the calling thread to {@code cpu}. Never throws when the CPU cannot be had: when another process holds it
     * the fact is logged once per process; when the platform has no affinity support, one warning per process; in
     * both cases the thread stays unpinned and the handle's {@code cpuId()} is -1.
     *
     * @param cpu the CPU to lock, 0 or more.
     * @return the handle; close it to release the CPU.
     * @throws IllegalArgumentException if {@code cpu} is negative.
     */
    public static PinnedThread pinCurrentThread(final int cpu)
    {
        if (cpu < 0)
        {
            throw new IllegalArgumentException("cpu " + cpu + " is negative: CPU ids start at 0");
        }

        if (!isSupported())
        {
            if (UNSUPPORTED_WARNED.compareAndSet(false, true))
            {
                LOGGER.log(
                    System.Logger.Level.WARNING,
                    "clustr: thread affinity is not supported on this platform (" + System.getProperty("os.name") +
                    "): threads run unpinned");
            }

            return NOT_PINNED;
        }

        final AffinityLock lock;
        try
        {
            lock = AffinityLock.acquireLock(cpu);
        }
        catch (final Throwable ex)
        {
            if (UNSUPPORTED_WARNED.compareAndSet(false, true))
            {
                LOGGER.log(
                    System.Logger.Level.WARNING,
                    "clustr: could not pin a thread to cpu " + cpu + " (" + ex + "): threads run unpinned");
            }

            return NOT_PINNED;
        }

        if (lock.cpuId() == cpu)
        {
            return new Locked(lock);
        }

        if (lock.cpuId() >= 0)
        {
            lock.release();
        }

        if (TAKEN_NOTED.compareAndSet(false, true))
        {
            LOGGER.log(
                System.Logger.Level.INFO,
                "clustr: cpu " + cpu + " could not be locked (held by another process, or not reserved for this one " +
                "with -Daffinity.reserved): the thread runs unpinned");
        }

        return NOT_PINNED;
    }

    private static final class Locked implements PinnedThread
    {
        private final AffinityLock lock;
        private final AtomicBoolean closed = new AtomicBoolean();

        Locked(final AffinityLock lock)
        {
            this.lock = lock;
        }

        @Override
        public int cpuId()
        {
            return closed.get() ? -1 : lock.cpuId();
        }

        @Override
        public void close()
        {
            if (closed.compareAndSet(false, true))
            {
                try
                {
                    lock.release();
                }
                catch (final Throwable ex)
                {
                    LOGGER.log(System.Logger.Level.WARNING, "clustr: releasing cpu " + lock.cpuId() + " failed", ex);
                }
            }
        }

        @Override
        public String toString()
        {
            return "PinnedThread{cpu=" + cpuId() + "}";
        }
    }

    private static final class NotPinned implements PinnedThread
    {
        @Override
        public int cpuId()
        {
            return -1;
        }

        @Override
        public void close()
        {
        }

        @Override
        public String toString()
        {
            return "PinnedThread{not pinned}";
        }
    }
}
