package io.clustr;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.RethrowingErrorHandler;
import io.aeron.exceptions.ClientTimeoutException;
import io.aeron.exceptions.ConductorServiceTimeoutException;
import io.aeron.exceptions.DriverTimeoutException;
import io.clustr.driver.DriverDirectory;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A node's Aeron client and channel: how a node connects to its media driver (unless its context brings a client),
 * and the channel its publications and subscriptions use.
 */
final class NodeClient
{
    /**
     * Longest park while the client waits for the driver's answer to a command (Aeron's default sleeps 1 ms a time):
     * a node's start makes about fifteen such round trips, each of which would otherwise cost at least one sleep.
     */
    private static final long AWAIT_MAX_PARK_NS = TimeUnit.MICROSECONDS.toNanos(100);

    /**
     * Sleep of the Aeron client conductor's own thread between duty cycles (Aeron's default is 16 ms). The conductor
     * sends the client's keep-alives (every 500 ms) and hands driver events (new and lost images) to their handlers;
     * commands a node sends (subscribe, publish) are answered on the calling thread, so they never wait for it.
     */
    static final long CONDUCTOR_IDLE_SLEEP_MS = 50;

    /**
     * How often a node looks for a live driver in its directory while it waits for one.
     */
    static final long DRIVER_POLL_MS = 10;

    /**
     * The channel of a node's publications and tethered subscriptions. Every publication carries the untethered
     * timeouts (for IPC the driver takes them from the publication, not the subscription); they apply only to
     * untethered subscriptions, which are the public and group ones unless the node chose them tethered.
     */
    static String channel(final Node.Context<?> ctx)
    {
        return Configuration.ipcChannel(ctx.termLength()) +
            "|" + CommonContext.UNTETHERED_WINDOW_LIMIT_TIMEOUT_PARAM_NAME + "=" +
            ctx.untetheredWindowLimitTimeoutNs() + "ns" +
            "|" + CommonContext.UNTETHERED_LINGER_TIMEOUT_PARAM_NAME + "=" + ctx.untetheredLingerTimeoutNs() + "ns";
    }

    /**
     * Create an Aeron client for a node unless the context has one: errors reported to the node, exceptions inside a
     * poll reaching the agent, and the client conductor on a thread of its own ({@code clustr-aeron-<name>}, a daemon,
     * sleeping {@link #CONDUCTOR_IDLE_SLEEP_MS} between cycles, never spinning), so the client keeps sending its
     * keep-alives and handling driver events while a handler runs long: a stalled handler then costs the node the
     * messages it cannot take, never its membership (the driver drops a client that sends no keep-alive for its
     * client liveness timeout, 10 s by default).
     */
    static Aeron connect(final Node.Context<?> ctx)
    {
        if (null != ctx.aeron())
        {
            return ctx.aeron();
        }

        awaitDriver(ctx, Configuration.driverWaitTimeoutNs());
        final Aeron.Context aeronCtx = new Aeron.Context()
            .aeronDirectoryName(ctx.aeronDirectoryName())
            .useConductorAgentInvoker(false)
            .idleStrategy(new SleepingMillisIdleStrategy(CONDUCTOR_IDLE_SLEEP_MS))
            .threadFactory(conductorThreadFactory(ctx.name()))
            .errorHandler(ctx.errorRelay())
            .subscriberErrorHandler(RethrowingErrorHandler.INSTANCE)
            .closeLingerDurationNs(Configuration.CLOSE_LINGER_NS)
            .awaitingIdleStrategy(new BackoffIdleStrategy(10, 10, 1_000, AWAIT_MAX_PARK_NS))
            .clientName("clustr " + ctx.name());

        try
        {
            final Aeron aeron = Aeron.connect(aeronCtx);
            ctx.aeron(aeron).ownsAeronClient(true);
            return aeron;
        }
        catch (final DriverTimeoutException | IllegalStateException ex)
        {
            throw noDriver(ctx, DriverDirectory.status(Path.of(ctx.aeronDirectoryName())), ex);
        }
    }

    /**
     * Wait, up to {@code timeoutNs}, for a live driver in the node's directory (Aeron's client alone waits its driver
     * timeout, 10 s, for a directory where nothing runs), reading Aeron's own liveness from {@code cnc.dat}.
     *
     * @throws ClustrException naming the directory, what is there, how the node chose it and how to find the
     *                         master's, if no driver is alive there in time.
     */
    static void awaitDriver(final Node.Context<?> ctx, final long timeoutNs)
    {
        final Path directory = Path.of(ctx.aeronDirectoryName());
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (true)
        {
            final DriverDirectory.Status status = DriverDirectory.status(directory);
            if (DriverDirectory.State.ACTIVE == status.state())
            {
                return;
            }
            if (DriverDirectory.State.UNREADABLE == status.state() || System.nanoTime() - deadlineNs >= 0)
            {
                throw noDriver(ctx, status, null);
            }

            try
            {
                Thread.sleep(DRIVER_POLL_MS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw noDriver(ctx, status, ex);
            }
        }
    }

    private static ClustrException noDriver(
        final Node.Context<?> ctx, final DriverDirectory.Status status, final Throwable cause)
    {
        final String waited = TimeUnit.NANOSECONDS.toMillis(Configuration.driverWaitTimeoutNs()) + " ms";
        return new ClustrException("no media driver to attach to in " + ctx.aeronDirectoryName() + " (waited " +
            waited + ", " + Configuration.DRIVER_WAIT_TIMEOUT_PROP_NAME + "): " + status.describe() + ". This node " +
            "looked there because of " + ctx.aeronDirectorySource() + ". A node takes its directory from " +
            "Options.aeronDirectory, else the environment variable " + Node.AERON_DIR_ENV + " (which the master " +
            "sets for the workers it spawns: a worker started by hand needs it, or -D" +
            CommonContext.AERON_DIR_PROP_NAME + ", set to the master's Master.aeronDirectoryName()), else -D" +
            CommonContext.AERON_DIR_PROP_NAME + ". Start the master first, or point this node at its directory",
            cause);
    }

    /**
     * Aeron's runner names the thread after the conductor ({@code aeron-client}) once it is made; the thread renames
     * itself when it starts, so a thread dump shows whose client it is.
     */
    private static ThreadFactory conductorThreadFactory(final String nodeName)
    {
        final String name = "clustr-aeron" + (null == nodeName ? "" : "-" + nodeName);
        return (runnable) ->
        {
            final Thread thread = new Thread(() ->
            {
                Thread.currentThread().setName(name);
                runnable.run();
            }, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * @param channel the node's channel.
     * @return the channel of its public and group subscriptions: untethered, never rejoining by themselves (a live
     * node subscribes again when it is cut loose, a dead one must not come back).
     */
    static String untethered(final String channel)
    {
        return channel + "|" + CommonContext.TETHER_PARAM_NAME + "=false|" + CommonContext.REJOIN_PARAM_NAME + "=false";
    }

    /**
     * @param cause      the error that closed a node's client, or null.
     * @param livenessNs the driver's client liveness timeout.
     * @return why the client closed, as the node's exit reason says it.
     */
    static String whyClosed(final Throwable cause, final long livenessNs)
    {
        final long livenessS = TimeUnit.NANOSECONDS.toSeconds(livenessNs);
        if (cause instanceof ClientTimeoutException)
        {
            return "the media driver timed this client out (no keep-alive for " + livenessS +
                " s: was the process stopped?)";
        }
        if (cause instanceof ConductorServiceTimeoutException)
        {
            return "its Aeron client conductor was not run for " + livenessS + " s (in invoker mode a handler " +
                "blocked the thread that invokes it): " + cause.getMessage();
        }
        if (cause instanceof DriverTimeoutException)
        {
            return "its media driver has gone (" + cause.getMessage() + ")";
        }

        return "its Aeron client has closed";
    }

    private NodeClient()
    {
    }
}
