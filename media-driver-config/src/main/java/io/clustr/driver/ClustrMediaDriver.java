package io.clustr.driver;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.exceptions.ActiveDriverException;
import net.openhft.affinity.AffinityLock;
import org.agrona.CloseHelper;
import org.agrona.concurrent.ShutdownSignalBarrier;

import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A standalone media driver for a clustr host, for when the transport should outlive the master (the master then
 * attaches with {@code Options.aeronDirectory(dir)} and {@code Options.embeddedDriver(false)}).
 * <p>
 * Usage: {@code ClustrMediaDriver [profile|file.properties ...]}: the profiles are applied in order (the first one
 * to set a property wins, and {@code -D} system properties win over all of them); with no argument the
 * {@value DriverProfiles#SHARED} profile is used. The driver runs until SIGINT or SIGTERM, then closes and, with the
 * built-in profiles, deletes its directory. It refuses to start (exit code 1, saying why) in a directory another
 * driver is using, and restricts its directory to its owner ({@link DriverDirectory}).
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

        // Launched before the barrier: a driver that cannot start exits with 1 at once (the barrier's hook would wait
        // for a close that never comes). Closed last (resources close in reverse): the barrier holds the JVM's
        // shutdown until the driver is closed and its directory deleted.
        final AtomicReference<ShutdownSignalBarrier> barrierRef = new AtomicReference<>();
        final MediaDriver driver;
        try
        {
            driver = launch(ctx.terminationHook(() ->
            {
                final ShutdownSignalBarrier barrier = barrierRef.get();
                if (null != barrier)
                {
                    barrier.signal();
                }
            }));
        }
        catch (final ActiveDriverException | IllegalStateException ex)
        {
            System.err.println("clustr media driver: " + ex.getMessage());
            System.exit(1);
            return;
        }

        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier(); driver)
        {
            barrierRef.set(barrier);
            System.out.println("clustr media driver running: dir=" + driver.aeronDirectoryName() +
                " threading=" + ctx.threadingMode() + " ipc.term.length=" + ctx.ipcTermBufferLength());
            barrier.await();
            System.out.println("clustr media driver stopping");
        }
    }

    /**
     * Launch a driver in the context's directory, never replacing a live one: a directory a driver is using (or
     * may be using) is refused, the directory of a driver that has stopped is deleted first, and one that holds
     * anything but a driver's files is refused. Once started, the directory is restricted to its owner
     * ({@link DriverDirectory#restrictToOwner(java.nio.file.Path)}). The context's {@code dirDeleteOnStart} is set to
     * false, so Aeron checks once more for an active driver right before it starts.
     *
     * @param ctx the driver's context (its directory, and whether it deletes it on shutdown, are kept).
     * @return the running driver.
     * @throws ActiveDriverException  if a media driver is, or may be, running in the directory: the message names it,
     *                               the driver's pid and what to do.
     * @throws IllegalStateException if the directory exists and is not a media driver directory.
     */
    public static MediaDriver launch(final MediaDriver.Context ctx)
    {
        final Path directory = Path.of(ctx.aeronDirectoryName());
        try
        {
            final DriverDirectory.Status before = DriverDirectory.prepareForLaunch(directory);
            if (DriverDirectory.State.STOPPED == before.state())
            {
                System.out.println("clustr media driver: removed the directory left by a stopped driver: " +
                    before.describe());
            }
            ctx.dirDeleteOnStart(false);
            final MediaDriver driver = MediaDriver.launch(ctx);
            try
            {
                DriverDirectory.restrictToOwner(directory);
            }
            catch (final RuntimeException ex)
            {
                CloseHelper.quietClose(driver);
                throw ex;
            }
            return driver;
        }
        catch (final ActiveDriverException ex)
        {
            final DriverDirectory.Status status = DriverDirectory.status(directory);
            throw new ActiveDriverException(status.describe() + ": not starting a second driver there, which " +
                "would replace it under its clients" + (status.driverPid() > 0 ?
                ". Stop that one first (kill -TERM " + status.driverPid() + ")" : ". Stop that one first") +
                ", or give this one another directory (-Daeron.dir=...)");
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
