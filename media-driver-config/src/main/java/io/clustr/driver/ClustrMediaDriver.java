package io.clustr.driver;

import io.aeron.driver.MediaDriver;
import net.openhft.affinity.AffinityLock;
import org.agrona.concurrent.ShutdownSignalBarrier;

import java.util.concurrent.ThreadFactory;

/**
 * A standalone media driver for a clustr host, for when the transport should outlive the master (the master then
 * attaches with {@code Options.aeronDirectory(dir)} and {@code Options.embeddedDriver(false)}).
 * <p>
 * Usage: {@code ClustrMediaDriver [profile|file.properties ...]}: the profiles are applied in order (the first one
 * to set a property wins, and {@code -D} system properties win over all of them); with no argument the
 * {@value DriverProfiles#SHARED} profile is used. The driver runs until SIGINT or SIGTERM, then closes and, with the
 * built-in profiles, deletes its directory.
 * <p>
 * Driver threads can be pinned to CPUs with {@value #CONDUCTOR_CPU_PROP_NAME}, {@value #SENDER_CPU_PROP_NAME},
 * {@value #RECEIVER_CPU_PROP_NAME} (DEDICATED mode) and {@value #SHARED_CPU_PROP_NAME} (SHARED mode).
 */
public final class ClustrMediaDriver
{
    /**
     * CPU for the driver's conductor thread in DEDICATED mode.
     */
    public static final String CONDUCTOR_CPU_PROP_NAME = "clustr.driver.conductor.cpu";

    /**
     * CPU for the driver's sender thread in DEDICATED mode.
     */
    public static final String SENDER_CPU_PROP_NAME = "clustr.driver.sender.cpu";

    /**
     * CPU for the driver's receiver thread in DEDICATED mode.
     */
    public static final String RECEIVER_CPU_PROP_NAME = "clustr.driver.receiver.cpu";

    /**
     * CPU for the driver's one thread in SHARED mode.
     */
    public static final String SHARED_CPU_PROP_NAME = "clustr.driver.shared.cpu";

    private ClustrMediaDriver()
    {
    }

    /**
     * Launch the driver and run until a termination signal.
     *
     * @param args profile names or properties files.
     */
    public static void main(final String[] args)
    {
        final String[] profiles = 0 == args.length ? new String[]{ DriverProfiles.SHARED } : args;
        for (final String profile : profiles)
        {
            DriverProfiles.apply(profile);
        }

        final MediaDriver.Context ctx = new MediaDriver.Context();
        pinThreads(ctx);

        // Closed last (resources close in reverse): the barrier holds the JVM's shutdown until the driver is closed
        // and its directory deleted.
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            MediaDriver driver = MediaDriver.launch(ctx.terminationHook(barrier::signal)))
        {
            System.out.println("clustr media driver running: dir=" + driver.aeronDirectoryName() +
                " threading=" + ctx.threadingMode() + " ipc.term.length=" + ctx.ipcTermBufferLength());
            barrier.await();
            System.out.println("clustr media driver stopping");
        }
    }

    /**
     * Set the driver's thread factories from the {@code clustr.driver.*.cpu} system properties.
     *
     * @param ctx to configure.
     * @return the same context.
     */
    public static MediaDriver.Context pinThreads(final MediaDriver.Context ctx)
    {
        final ThreadFactory conductor = pinningFactory(CONDUCTOR_CPU_PROP_NAME);
        final ThreadFactory sender = pinningFactory(SENDER_CPU_PROP_NAME);
        final ThreadFactory receiver = pinningFactory(RECEIVER_CPU_PROP_NAME);
        final ThreadFactory shared = pinningFactory(SHARED_CPU_PROP_NAME);

        if (null != conductor)
        {
            ctx.conductorThreadFactory(conductor);
        }
        if (null != sender)
        {
            ctx.senderThreadFactory(sender);
        }
        if (null != receiver)
        {
            ctx.receiverThreadFactory(receiver);
        }
        if (null != shared)
        {
            ctx.sharedThreadFactory(shared);
        }

        return ctx;
    }

    private static ThreadFactory pinningFactory(final String propertyName)
    {
        final String value = System.getProperty(propertyName);
        if (null == value || value.isBlank())
        {
            return null;
        }

        final int cpu;
        try
        {
            cpu = Integer.parseInt(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(propertyName + "=" + value + " is not a CPU number", ex);
        }

        final int cpus = Runtime.getRuntime().availableProcessors();
        if (cpu < 0 || cpu >= cpus)
        {
            throw new IllegalArgumentException(
                propertyName + "=" + cpu + " is not a CPU of this machine: use 0.." + (cpus - 1));
        }

        return (runnable) -> new Thread(() ->
        {
            final AffinityLock lock = AffinityLock.acquireLock(cpu);
            try
            {
                runnable.run();
            }
            finally
            {
                lock.release();
            }
        });
    }
}
