package io.clustr;

import io.aeron.exceptions.ConfigurationException;
import io.clustr.driver.ProgressiveBackoffIdleStrategy;
import org.agrona.SystemUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Tunables shared by every clustr node, each a system property with a default.
 * <p>
 * A {@link Master.Context} or {@link Worker.Context} starts from these values; its fluent setters override them. The
 * stream ids and the term length must agree across the cluster: a spawning node passes its driver directory and
 * channel to its children, and the other values are read from system properties in every process.
 */
public final class Configuration
{
    /**
     * Stream id of the control stream (join, leave, kill, exit).
     */
    public static final String CONTROL_STREAM_ID_PROP_NAME = "clustr.control.stream.id";

    /**
     * Default stream id of the control stream.
     */
    public static final int CONTROL_STREAM_ID_DEFAULT = 100;

    /**
     * Stream id of the public stream.
     */
    public static final String PUBLIC_STREAM_ID_PROP_NAME = "clustr.public.stream.id";

    /**
     * Default stream id of the public stream.
     */
    public static final int PUBLIC_STREAM_ID_DEFAULT = 101;

    /**
     * Stream id of the confirmation stream, to which only the master subscribes.
     */
    public static final String CONFIRMATION_STREAM_ID_PROP_NAME = "clustr.confirmation.stream.id";

    /**
     * Default stream id of the confirmation stream.
     */
    public static final int CONFIRMATION_STREAM_ID_DEFAULT = 102;

    /**
     * The stream of a group is {@code GROUP_STREAM_ID_BASE + id}, where the id (1 to 16383) is the one the master
     * assigned the group when its first worker joined: one stream per group, no hashing, no collisions.
     */
    public static final int GROUP_STREAM_ID_BASE = 0x1000_0000;

    /**
     * The private stream of worker {@code id} is {@code PRIVATE_STREAM_ID_BASE + id}: one stream per worker, never
     * shared, because ids are never reused.
     */
    public static final int PRIVATE_STREAM_ID_BASE = 0x4000_0000;

    /**
     * The largest worker id that has a private stream.
     */
    public static final long MAX_WORKER_ID = Integer.MAX_VALUE - PRIVATE_STREAM_ID_BASE;

    /**
     * How long a publish on a node's duty-cycle thread (inside a handler or callback) waits for back-pressure to
     * clear before it throws {@link BackPressureException}: the node drains none of its own streams meanwhile, so two
     * nodes that publish to each other from their handlers cannot deadlock. Default 100 ms.
     */
    public static final String HANDLER_PUBLISH_TIMEOUT_PROP_NAME = "clustr.handler.publish.timeout";

    /**
     * Default for {@link #HANDLER_PUBLISH_TIMEOUT_PROP_NAME}.
     */
    public static final long HANDLER_PUBLISH_TIMEOUT_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * How long a node's own Aeron client keeps the logs mapped after it closes ({@code Aeron.Context
     * closeLingerDurationNs}): a publish that another thread began just before the close finishes writing into a
     * mapped log instead of an unmapped one (a SIGSEGV), and any later one sees the node closed.
     */
    public static final long CLOSE_LINGER_NS = TimeUnit.MILLISECONDS.toNanos(50);

    /**
     * Length of each of the three terms of every clustr IPC log. The largest message is one eighth of it.
     */
    public static final String TERM_LENGTH_PROP_NAME = "clustr.term.length";

    /**
     * Default term length: 4 MiB, so the largest message is 512 KiB and a stream costs 12 MiB of {@code /dev/shm}.
     * Measured on 2 cores: with 1 MiB terms a 32 byte ping-pong with yielding idle had a p99 of 23 µs (raw Aeron
     * 3.8 µs), with 4 MiB 1.5 µs (raw Aeron 1.2 µs).
     */
    public static final int TERM_LENGTH_DEFAULT = 4 * 1024 * 1024;

    /**
     * Idle strategy of a node's duty-cycle thread: {@code progressive} (default), {@code backoff}, {@code yield},
     * {@code spin}, {@code noop}, {@code sleep-ns}, {@code sleep-ms} or the name of a class implementing
     * {@link IdleStrategy}.
     */
    public static final String IDLE_STRATEGY_PROP_NAME = "clustr.idle.strategy";

    /**
     * Default idle strategy: {@link ProgressiveBackoffIdleStrategy}: spin, yield, then park for 1 µs growing to 1 ms
     * like Agrona's {@code backoff}, and once mostly idle for a second, park 20 ms at a time. A busy node never
     * parks; an idle one wakes about fifty times a second; a message to a node that has been mostly idle for over a
     * second may wait up to 20 ms. {@code backoff} keeps the 1 ms parks (about 2 % of a core per idle node).
     */
    public static final String IDLE_STRATEGY_DEFAULT = ProgressiveBackoffIdleStrategy.ALIAS;

    /**
     * How long {@code Worker.create} waits for the master to acknowledge its join.
     */
    public static final String JOIN_TIMEOUT_PROP_NAME = "clustr.join.timeout";

    /**
     * Default join timeout.
     */
    public static final long JOIN_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

    /**
     * How long a blocking {@code publish} waits while the stream is back-pressured (or, on a private stream, while the
     * target is not connected yet) before it throws.
     */
    public static final String PUBLISH_TIMEOUT_PROP_NAME = "clustr.publish.timeout";

    /**
     * Default publish timeout.
     */
    public static final long PUBLISH_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

    /**
     * How long a killed worker may take to run its kill hooks and exit before its parent kills it forcibly.
     */
    public static final String KILL_GRACE_PROP_NAME = "clustr.kill.grace";

    /**
     * Default kill grace period.
     */
    public static final long KILL_GRACE_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);

    /**
     * Whether a master launches its own media driver. When false it attaches to the driver in its Aeron directory.
     */
    public static final String EMBEDDED_DRIVER_PROP_NAME = "clustr.embedded.driver";

    /**
     * Default: the master embeds a driver.
     */
    public static final boolean EMBEDDED_DRIVER_DEFAULT = true;

    /**
     * Driver profile for an embedded driver: {@code shared} (default), {@code low-latency} or a properties file.
     */
    public static final String DRIVER_PROFILE_PROP_NAME = "clustr.driver.profile";

    /**
     * Default driver profile.
     */
    public static final String DRIVER_PROFILE_DEFAULT = "shared";

    /**
     * Whether a master, when it starts, removes the media driver directories that masters of this user left behind
     * when they died ({@link DriverDirectories#removeStale()}: only directories named as a master names its own, whose
     * master and driver processes are gone and whose driver heartbeat has stopped). Default true.
     */
    public static final String REMOVE_STALE_DIRECTORIES_PROP_NAME = "clustr.remove.stale.directories";

    /**
     * Default: a master removes stale driver directories when it starts.
     */
    public static final boolean REMOVE_STALE_DIRECTORIES_DEFAULT = true;

    /**
     * How long a node that attaches to a running media driver (every worker, and a master with
     * {@code embeddedDriver(false)}) waits for one to be alive in its directory before it fails, naming the
     * directory and how it was chosen. Default 1 s (Aeron's client alone would wait its driver timeout, 10 s).
     */
    public static final String DRIVER_WAIT_TIMEOUT_PROP_NAME = "clustr.driver.wait.timeout";

    /**
     * Default for {@link #DRIVER_WAIT_TIMEOUT_PROP_NAME}.
     */
    public static final long DRIVER_WAIT_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Most messages a duty cycle takes from one stream before it moves on to the next.
     */
    public static final String FRAGMENT_LIMIT_PROP_NAME = "clustr.fragment.limit";

    /**
     * Default fragment limit.
     */
    public static final int FRAGMENT_LIMIT_DEFAULT = 256;

    /**
     * Most private-stream publications a node keeps open; the least recently opened is closed beyond it.
     */
    public static final String PRIVATE_PUBLICATION_CACHE_PROP_NAME = "clustr.private.publication.cache";

    /**
     * Default size of the private publication cache.
     */
    public static final int PRIVATE_PUBLICATION_CACHE_DEFAULT = 256;

    /**
     * How long a subscriber of the public or a group stream may stay more than three quarters of the stream's window
     * (the term length) behind the fastest subscriber before the media driver cuts it loose: its image goes
     * unavailable and, after {@link #UNTETHERED_LINGER_TIMEOUT_PROP_NAME}, the stream's publishers stop waiting for
     * it. Set on every clustr publication ({@code untethered-window-limit-timeout}); the first publication of a
     * stream decides, so every node of a cluster must agree (a spawning node passes {@code clustr.*} properties to
     * its children). The driver checks it on its timer ({@code aeron.timer.interval}, 100 ms in clustr's driver
     * profiles, 1 s in Aeron's default), so a dead or stalled subscriber costs the others about window limit +
     * linger + up to two timer intervals.
     */
    public static final String UNTETHERED_WINDOW_LIMIT_TIMEOUT_PROP_NAME = "clustr.untethered.window.limit.timeout";

    /**
     * Default untethered window limit timeout: 300 ms. Long enough that a busy but live subscriber (a GC pause, a
     * burst) is not cut loose at once, short enough that with the linger and the driver's 100 ms timer a dead one
     * stalls the stream well under a second.
     */
    public static final long UNTETHERED_WINDOW_LIMIT_TIMEOUT_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(300);

    /**
     * How long a cut-loose subscriber of the public or a group stream lingers (its image already unavailable to it)
     * before the media driver removes it from the stream's flow control ({@code untethered-linger-timeout}).
     */
    public static final String UNTETHERED_LINGER_TIMEOUT_PROP_NAME = "clustr.untethered.linger.timeout";

    /**
     * Default untethered linger timeout: 100 ms.
     */
    public static final long UNTETHERED_LINGER_TIMEOUT_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * The streams a node subscribes to tethered instead of untethered: a comma-separated list of {@code public} and
     * {@code group}; empty (the default) for neither. A tethered subscriber is never cut loose: it receives every
     * message of the stream, and the stream's publishers and its other subscribers wait for it instead, a publish at
     * most the publish timeout; a dead one holds the stream until the driver times its client out (10 s). For a
     * node that must not miss a broadcast and is never slow for long. Per node; a spawning node passes it to its
     * children like every {@code clustr.*} property, and {@code Options.tethered(...)} sets it for one node.
     */
    public static final String TETHERED_STREAMS_PROP_NAME = "clustr.tethered.streams";

    private Configuration()
    {
    }

    /**
     * @return the control stream id.
     * @see #CONTROL_STREAM_ID_PROP_NAME
     */
    public static int controlStreamId()
    {
        return Integer.getInteger(CONTROL_STREAM_ID_PROP_NAME, CONTROL_STREAM_ID_DEFAULT);
    }

    /**
     * @return the public stream id.
     * @see #PUBLIC_STREAM_ID_PROP_NAME
     */
    public static int publicStreamId()
    {
        return Integer.getInteger(PUBLIC_STREAM_ID_PROP_NAME, PUBLIC_STREAM_ID_DEFAULT);
    }

    /**
     * @return the confirmation stream id.
     * @see #CONFIRMATION_STREAM_ID_PROP_NAME
     */
    public static int confirmationStreamId()
    {
        return Integer.getInteger(CONFIRMATION_STREAM_ID_PROP_NAME, CONFIRMATION_STREAM_ID_DEFAULT);
    }

    /**
     * @return the term length of clustr's IPC logs.
     * @see #TERM_LENGTH_PROP_NAME
     */
    public static int termLength()
    {
        return SystemUtil.getSizeAsInt(TERM_LENGTH_PROP_NAME, TERM_LENGTH_DEFAULT);
    }

    /**
     * @return the idle strategy named by {@link #IDLE_STRATEGY_PROP_NAME}.
     */
    public static IdleStrategy idleStrategy()
    {
        return idleStrategy(System.getProperty(IDLE_STRATEGY_PROP_NAME, IDLE_STRATEGY_DEFAULT));
    }

    /**
     * Create an idle strategy from its alias or class name.
     *
     * @param name {@code progressive}, {@code backoff}, {@code yield}, {@code spin}, {@code noop}, {@code sleep-ns},
     *             {@code sleep-ms} or
     *             the name of a class implementing {@link IdleStrategy} with a no-argument constructor.
     * @return a new idle strategy.
     * @throws IllegalArgumentException naming the accepted values if {@code name} is none of them.
     */
    public static IdleStrategy idleStrategy(final String name)
    {
        switch (name.trim())
        {
            case ProgressiveBackoffIdleStrategy.ALIAS:
                return new ProgressiveBackoffIdleStrategy();
            case BackoffIdleStrategy.ALIAS:
                return new BackoffIdleStrategy();
            case YieldingIdleStrategy.ALIAS:
                return YieldingIdleStrategy.INSTANCE;
            case BusySpinIdleStrategy.ALIAS:
                return BusySpinIdleStrategy.INSTANCE;
            case NoOpIdleStrategy.ALIAS:
                return NoOpIdleStrategy.INSTANCE;
            case SleepingIdleStrategy.ALIAS:
                return new SleepingIdleStrategy();
            case SleepingMillisIdleStrategy.ALIAS:
                return new SleepingMillisIdleStrategy();
            default:
                try
                {
                    return (IdleStrategy)Class.forName(name.trim()).getConstructor().newInstance();
                }
                catch (final ReflectiveOperationException | ClassCastException ex)
                {
                    throw new IllegalArgumentException("unknown idle strategy '" + name + "': use progressive, " +
                        "backoff, yield, spin, noop, sleep-ns, sleep-ms or a class implementing " +
                        "org.agrona.concurrent.IdleStrategy",
                        ex);
                }
        }
    }

    /**
     * @return the join timeout in nanoseconds.
     * @see #JOIN_TIMEOUT_PROP_NAME
     */
    public static long joinTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(JOIN_TIMEOUT_PROP_NAME, JOIN_TIMEOUT_DEFAULT_NS);
    }

    /**
     * @return the publish timeout in nanoseconds.
     * @see #PUBLISH_TIMEOUT_PROP_NAME
     */
    public static long publishTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(PUBLISH_TIMEOUT_PROP_NAME, PUBLISH_TIMEOUT_DEFAULT_NS);
    }

    /**
     * @return the handler publish timeout in nanoseconds.
     * @see #HANDLER_PUBLISH_TIMEOUT_PROP_NAME
     */
    public static long handlerPublishTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(HANDLER_PUBLISH_TIMEOUT_PROP_NAME, HANDLER_PUBLISH_TIMEOUT_DEFAULT_NS);
    }

    /**
     * @return the kill grace period in nanoseconds.
     * @see #KILL_GRACE_PROP_NAME
     */
    public static long killGraceNs()
    {
        return SystemUtil.getDurationInNanos(KILL_GRACE_PROP_NAME, KILL_GRACE_DEFAULT_NS);
    }

    /**
     * @return whether a master embeds a media driver.
     * @see #EMBEDDED_DRIVER_PROP_NAME
     */
    public static boolean embeddedDriver()
    {
        final String value = System.getProperty(EMBEDDED_DRIVER_PROP_NAME);
        return null == value ? EMBEDDED_DRIVER_DEFAULT : Boolean.parseBoolean(value);
    }

    /**
     * @return whether a master removes stale driver directories when it starts.
     * @see #REMOVE_STALE_DIRECTORIES_PROP_NAME
     */
    public static boolean removeStaleDirectories()
    {
        final String value = System.getProperty(REMOVE_STALE_DIRECTORIES_PROP_NAME);
        return null == value ? REMOVE_STALE_DIRECTORIES_DEFAULT : Boolean.parseBoolean(value);
    }

    /**
     * @return how long a node waits for a live media driver in its directory, in nanoseconds.
     * @see #DRIVER_WAIT_TIMEOUT_PROP_NAME
     */
    public static long driverWaitTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(DRIVER_WAIT_TIMEOUT_PROP_NAME, DRIVER_WAIT_TIMEOUT_DEFAULT_NS);
    }

    /**
     * @return the driver profile of an embedded driver.
     * @see #DRIVER_PROFILE_PROP_NAME
     */
    public static String driverProfile()
    {
        return System.getProperty(DRIVER_PROFILE_PROP_NAME, DRIVER_PROFILE_DEFAULT);
    }

    /**
     * @return the fragment limit per stream per duty cycle.
     * @see #FRAGMENT_LIMIT_PROP_NAME
     */
    public static int fragmentLimit()
    {
        return Integer.getInteger(FRAGMENT_LIMIT_PROP_NAME, FRAGMENT_LIMIT_DEFAULT);
    }

    /**
     * @return the streams named by {@link #TETHERED_STREAMS_PROP_NAME}.
     * @throws ConfigurationException naming the property if it names another stream.
     */
    public static Set<Channel.Kind> tetheredStreams()
    {
        return tetheredStreams(System.getProperty(TETHERED_STREAMS_PROP_NAME, ""));
    }

    /**
     * @param value a comma-separated list of {@code public} and {@code group}, blank for none.
     * @return the streams it names.
     * @throws ConfigurationException naming the property if it names another stream.
     */
    static Set<Channel.Kind> tetheredStreams(final String value)
    {
        final Set<Channel.Kind> kinds = EnumSet.noneOf(Channel.Kind.class);
        for (final String name : value.split(","))
        {
            final String trimmed = name.trim().toLowerCase(Locale.ROOT);
            switch (trimmed)
            {
                case "":
                    break;
                case "public":
                    kinds.add(Channel.Kind.PUBLIC);
                    break;
                case "group":
                    kinds.add(Channel.Kind.GROUP);
                    break;
                default:
                    throw new ConfigurationException(TETHERED_STREAMS_PROP_NAME + "='" + value +
                        "': '" + name.trim() + "' is not a stream that can be tethered; use public, group or both " +
                        "(private and confirmation streams always are)");
            }
        }

        return kinds;
    }

    /**
     * @return the size of the private publication cache.
     * @see #PRIVATE_PUBLICATION_CACHE_PROP_NAME
     */
    public static int privatePublicationCache()
    {
        return Integer.getInteger(PRIVATE_PUBLICATION_CACHE_PROP_NAME, PRIVATE_PUBLICATION_CACHE_DEFAULT);
    }

    /**
     * @return the untethered window limit timeout in nanoseconds.
     * @see #UNTETHERED_WINDOW_LIMIT_TIMEOUT_PROP_NAME
     */
    public static long untetheredWindowLimitTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(
            UNTETHERED_WINDOW_LIMIT_TIMEOUT_PROP_NAME, UNTETHERED_WINDOW_LIMIT_TIMEOUT_DEFAULT_NS);
    }

    /**
     * @return the untethered linger timeout in nanoseconds.
     * @see #UNTETHERED_LINGER_TIMEOUT_PROP_NAME
     */
    public static long untetheredLingerTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(UNTETHERED_LINGER_TIMEOUT_PROP_NAME, UNTETHERED_LINGER_TIMEOUT_DEFAULT_NS);
    }

    /**
     * The stream id of a group's stream.
     *
     * @param groupId the id the master assigned the group, 1 to 16383.
     * @return {@code GROUP_STREAM_ID_BASE + groupId}.
     */
    public static int groupStreamId(final int groupId)
    {
        if (groupId <= GroupRegistry.NO_GROUP_ID || groupId > GroupRegistry.MAX_GROUP_ID)
        {
            throw new IllegalArgumentException("group id " + groupId + " is out of range: ids are 1 to " +
                GroupRegistry.MAX_GROUP_ID);
        }

        return GROUP_STREAM_ID_BASE + groupId;
    }

    /**
     * The stream id of a worker's private stream.
     *
     * @param workerId id of the worker, from 0 (the master) to {@link #MAX_WORKER_ID}.
     * @return {@code PRIVATE_STREAM_ID_BASE + workerId}.
     */
    public static int privateStreamId(final long workerId)
    {
        if (workerId < 0 || workerId > MAX_WORKER_ID)
        {
            throw new IllegalArgumentException(
                "worker id " + workerId + " is out of range: ids are 0 (the master) to " + MAX_WORKER_ID);
        }

        return (int)(PRIVATE_STREAM_ID_BASE + workerId);
    }

    /**
     * MTU of clustr's IPC streams: the longest frame, Aeron's 32-byte header included. A message up to
     * {@code IPC_MTU_LENGTH - 32} bytes (8,160) is one frame, written in place by one claim; a longer one is
     * fragmented. Aeron's IPC default (1,408 bytes) splits a 3 KiB message into 3 frames, each reassembled by a copy
     * on the way in; 8 KiB is the largest MTU every valid term length allows (term length / 8 with the smallest,
     * 64 KiB, terms). Every node of a cluster must use the same value, since they share each IPC publication.
     */
    public static final int IPC_MTU_LENGTH = 8192;

    /**
     * The channel of clustr's IPC streams.
     *
     * @param termLength term length of every log.
     * @return {@code aeron:ipc?term-length=<termLength>|mtu=}{@value #IPC_MTU_LENGTH}.
     */
    public static String ipcChannel(final int termLength)
    {
        return "aeron:ipc?term-length=" + termLength + "|mtu=" + IPC_MTU_LENGTH;
    }
}
