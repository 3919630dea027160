package io.clustr.bench.workload;

import net.openhft.affinity.Affinity;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.BitSet;
import java.util.concurrent.locks.LockSupport;

/**
 * Times the link between the calling thread's CPU and another one: a cache line passed back and forth between the
 * caller and a helper thread pinned to the other CPU, a few hundred times. On a virtual machine that link is not
 * fixed: the hypervisor moves the guest's virtual CPUs between physical cores, and on the 2-vCPU AMD EPYC guest this
 * project is measured on a round trip of the line takes either about 60 ns (the two vCPUs share a cache) or about
 * 340 ns (they do not), switching every few hundred milliseconds to a few seconds. Every data-path figure follows it
 * (raw Aeron's 32 B throughput is 22 or 13 M msgs/s), so the bench probes the link between short intervals of each
 * measurement and compares systems on intervals of the same link ({@code link=near|far} results).
 * <p>
 * A probe takes a few microseconds to a millisecond; the measured intervals exclude it. The helper parks between
 * probes and spins, without a pause instruction, during one. Made before a child reports ready: its constructor
 * probes for 300 ms so that the loops are compiled. Probes are not thread-safe: one caller.
 */
public final class LinkProbe implements AutoCloseable
{
    /**
     * A probe whose helper was not running at the same time as the caller (the CPU was busy with another thread):
     * the link is unknown and intervals next to it are left out of the per-link figures.
     */
    public static final long UNKNOWN = -1;

    private static final int ROUND_TRIPS = 200;
    private static final int BURSTS = 3;
    private static final long BURST_TIMEOUT_NS = 2_000_000;
    private static final int PAD = 16;

    /**
     * How long the constructor probes, so that the probe's loops are compiled before the first measured probe (an
     * interpreted probe reads several microseconds).
     */
    private static final long WARMUP_NS = 300_000_000L;
    private static final VarHandle LINES = MethodHandles.arrayElementVarHandle(long[].class);

    /**
     * The ping at {@code PAD}, the pong at {@code 3 * PAD}: each on its own cache line, written by one side only.
     */
    private final long[] lines = new long[4 * PAD];
    private final Thread helper;
    private final int helperCpu;
    private volatile int targetCpu = -1;
    private volatile boolean requested;
    private volatile boolean running = true;
    private long sequence;

    /**
     * Start a probe whose helper runs on a given CPU.
     *
     * @param helperCpu the CPU at the other end of the link, or -1 for any CPU but the caller's (the one it runs on
     *                  at each probe).
     */
    public LinkProbe(final int helperCpu)
    {
        this.helperCpu = helperCpu;
        helper = new Thread(this::helperLoop, "link-probe");
        helper.setDaemon(true);
        helper.start();
        final long warmupEndNs = System.nanoTime() + WARMUP_NS;
        while (System.nanoTime() - warmupEndNs < 0)
        {
            roundTripNs();
        }
    }

    /**
     * A probe as a bench child's {@code --link-probe} option asks: {@code off} (or absent) for none, {@code any} for a
     * helper on any CPU but the caller's, or the helper's CPU.
     *
     * @param option the option's value, or null.
     * @return the probe, or null for none.
     */
    public static LinkProbe forOption(final String option)
    {
        if (null == option || "off".equals(option))
        {
            return null;
        }

        return new LinkProbe("any".equals(option) ? -1 : Integer.parseInt(option));
    }

    /**
     * Time the link.
     *
     * @return the round trip of a cache line in nanoseconds, the fastest of a few bursts, or {@link #UNKNOWN}.
     */
    public long roundTripNs()
    {
        final int cpu = otherCpu();
        targetCpu = cpu;
        requested = true;
        LockSupport.unpark(helper);
        long best = Long.MAX_VALUE;
        try
        {
            for (int burst = 0; burst < BURSTS; burst++)
            {
                final long ns = burst();
                if (ns > 0)
                {
                    best = Math.min(best, ns);
                }
            }
        }
        finally
        {
            requested = false;
        }

        return Long.MAX_VALUE == best ? UNKNOWN : best;
    }

    /**
     * Stop the helper.
     */
    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(helper);
    }

    private long burst()
    {
        final long[] lines = this.lines;
        final long startNs = System.nanoTime();
        final long deadlineNs = startNs + BURST_TIMEOUT_NS;
        for (int i = 0; i < ROUND_TRIPS; i++)
        {
            final long seq = ++sequence;
            LINES.setRelease(lines, PAD, seq);
            while ((long)LINES.getAcquire(lines, 3 * PAD) != seq)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    return UNKNOWN;
                }
            }
        }

        return (System.nanoTime() - startNs) / ROUND_TRIPS;
    }

    private void helperLoop()
    {
        final long[] lines = this.lines;
        int pinnedTo = -1;
        while (running)
        {
            if (!requested)
            {
                LockSupport.park();
                continue;
            }

            final int cpu = targetCpu;
            if (cpu >= 0 && cpu != pinnedTo)
            {
                pin(cpu);
                pinnedTo = cpu;
            }

            while (requested)
            {
                final long seq = (long)LINES.getAcquire(lines, PAD);
                if ((long)LINES.getOpaque(lines, 3 * PAD) != seq)
                {
                    LINES.setRelease(lines, 3 * PAD, seq);
                }
            }
        }
    }

    private int otherCpu()
    {
        if (helperCpu >= 0)
        {
            return helperCpu;
        }

        try
        {
            final int current = Affinity.getCpu();
            final int cpus = Runtime.getRuntime().availableProcessors();
            return current < 0 || cpus < 2 ? -1 : (current + 1) % cpus;
        }
        catch (final Throwable ex)
        {
            return -1;
        }
    }

    private static void pin(final int cpu)
    {
        try
        {
            final BitSet cpus = new BitSet();
            cpus.set(cpu);
            Affinity.setAffinity(cpus);
        }
        catch (final Throwable ex)
        {
            // Unpinned: the scheduler puts the helper on a CPU the caller leaves free, or the probe reads UNKNOWN.
        }
    }

}
