package io.clustr.spawn;

import net.openhft.affinity.Affinity;
import net.openhft.affinity.AffinityLock;
import net.openhft.affinity.impl.NullAffinity;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pins the calling thread to a CPU with Java-Thread-Affinity, for use inside a child (clustr-core's duty-cycle thread
 * factory calls it from the thread it starts).
 * <p>
 * {@link #pinCurrentThread(int)} takes {@code AffinityLock.acquireLock(cpu)}, which binds only the calling thread and
 * takes a file lock ({@code <java.io.tmpdir>/cpu-N.lock}) so two processes never lock the same CPU. A spawned child
 * pinned with {@link SpawnOption#cpu(int)} already has every thread on that CPU ({@code taskset}) and gets
 * {@code -Daffinity.reserved} for it, so the lock is granted there. Not getting the lock is a normal outcome: the
 * handle's {@code cpuId()} is then -1 and the thread runs on the process's CPUs. A process already restricted to the
 * one CPU asked for (started with {@code taskset}, as clustr starts pinned children) is pinned without a lock. Notes
 * say why a CPU was not locked as it is (CPU 0 is never lockable by default; another process holds the lock), and
 * never become a process's exit reason. Nothing here busy-spins.
 */
public final class Pinning
{
    private static final System.Logger LOGGER = System.getLogger(Pinning.class.getName());
    private static final AtomicBoolean UNSUPPORTED_WARNED = new AtomicBoolean();
    private static final AtomicBoolean TAKEN_NOTED = new AtomicBoolean();
    private static final PinnedThread NOT_PINNED = new NotPinned();
    private static final String NOTE_PREFIX = "clustr: pinning: ";

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
                    NOTE_PREFIX + "thread affinity is not supported on this platform (" +
                    System.getProperty("os.name") + "): threads run on the process's CPUs");
            }

            return NOT_PINNED;
        }

        final BitSet allowed = allowedCpus();
        if (null != allowed && allowed.cardinality() == 1 && allowed.get(cpu))
        {
            // The process (or thread) may already run on this CPU only, e.g. it was started with taskset: pinned.
            return new Restricted(cpu);
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
                    NOTE_PREFIX + "could not pin a thread to cpu " + cpu + " (" + ex + "): it runs on the process's " +
                    "CPUs " + describe(allowed));
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
            final String why = AffinityLock.RESERVED_AFFINITY.get(cpu) ?
                "it is locked by another process or thread (Java-Thread-Affinity's lock for it is taken)" :
                "it is not one Java-Thread-Affinity may lock (by default it leaves CPU 0 to the system; reserve CPUs " +
                "with -Daffinity.reserved=<hex mask>, or start the process on that CPU only with taskset)";
            LOGGER.log(
                System.Logger.Level.INFO,
                NOTE_PREFIX + "cpu " + cpu + " was not locked for this thread: " + why + "; it runs on the " +
                "process's CPUs " + describe(allowed));
        }

        return NOT_PINNED;
    }

    /**
     * Is this line of a process's output one of the notes above (or the logger's header line for one)? They say how
     * a thread was pinned, never why a process failed, so exit reasons leave them out.
     *
     * @param line of standard error.
     * @return true if it is a pinning note.
     */
    public static boolean isPinningNote(final String line)
    {
        return line.contains(NOTE_PREFIX) || line.contains(Pinning.class.getName() + " pinCurrentThread");
    }

    private static BitSet allowedCpus()
    {
        try
        {
            return Affinity.getAffinity();
        }
        catch (final Throwable ex)
        {
            return null;
        }
    }

    private static String describe(final BitSet cpus)
    {
        return null == cpus || cpus.isEmpty() ? "(unknown)" : cpus.toString().replace('{', '[').replace('}', ']');
    }

    private static final class Restricted implements PinnedThread
    {
        private final int cpu;

        Restricted(final int cpu)
        {
            this.cpu = cpu;
        }

        public int cpuId()
        {
            return cpu;
        }

        public void close()
        {
        }
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
