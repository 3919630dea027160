package io.clustr;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.IdleStrategy;

import java.time.Duration;
import java.util.Objects;

/**
 * Options for {@link Master#create(MasterOption...)} and {@link Worker#create(WorkerOption...)}, meant to be
 * imported statically:
 * <pre>{@code
 * import static io.clustr.Options.*;
 *
 * Worker worker = Worker.create(group("web"), idleStrategy("yield"));
 * }</pre>
 * Every option sets a field of the node's {@code Context}; configure the context directly for anything else.
 */
public final class Options
{
    private Options()
    {
    }

    /**
     * The group a worker belongs to: it receives what is published to {@link Channel#group(String)} of that name.
     *
     * @param name 1 to 100 ASCII letters, digits or {@code . _ - :}.
     * @return the option.
     * @throws IllegalArgumentException if the name is null, blank or invalid.
     */
    public static WorkerOption group(final String name)
    {
        final String groupName = Channel.validateGroupName(name);
        return (ctx) -> ctx.group(groupName);
    }

    /**
     * The media driver directory to use. For a worker spawned by a node this comes from its environment; for a
     * master with an embedded driver it is where the driver is created (a fresh directory by default).
     *
     * @param directory path of the Aeron directory, e.g. {@code /dev/shm/clustr-prod}.
     * @return the option.
     */
    public static NodeOption aeronDirectory(final String directory)
    {
        Objects.requireNonNull(directory, "aeron directory must not be null");
        return (ctx) -> ctx.aeronDirectoryName(directory);
    }

    /**
     * The idle strategy of the node's duty-cycle thread.
     *
     * @param idleStrategy to use.
     * @return the option.
     * @see Configuration#IDLE_STRATEGY_PROP_NAME
     */
    public static NodeOption idleStrategy(final IdleStrategy idleStrategy)
    {
        Objects.requireNonNull(idleStrategy, "idle strategy must not be null");
        return (ctx) -> ctx.idleStrategy(idleStrategy);
    }

    /**
     * The idle strategy of the node's duty-cycle thread, by alias.
     *
     * @param alias {@code backoff}, {@code yield}, {@code spin}, {@code noop}, {@code sleep-ns} or
     *              {@code sleep-ms}.
     * @return the option.
     * @see Configuration#idleStrategy(String)
     */
    public static NodeOption idleStrategy(final String alias)
    {
        Objects.requireNonNull(alias, "idle strategy must not be null");
        Configuration.idleStrategy(alias);
        return (ctx) -> ctx.idleStrategy(Configuration.idleStrategy(alias));
    }

    /**
     * Where the node reports errors, including exceptions thrown by message handlers. Every error is also counted
     * in the node's {@link ClustrCounters#ERRORS_TYPE_ID} counter.
     *
     * @param errorHandler to call, on the thread where the error happened.
     * @return the option.
     */
    public static NodeOption errorHandler(final ErrorHandler errorHandler)
    {
        Objects.requireNonNull(errorHandler, "error handler must not be null");
        return (ctx) -> ctx.errorHandler(errorHandler);
    }

    /**
     * How long a killed node may take to run its kill hooks before its parent kills it forcibly.
     *
     * @param grace the grace period.
     * @return the option.
     * @see Configuration#KILL_GRACE_PROP_NAME
     */
    public static NodeOption killGrace(final Duration grace)
    {
        Objects.requireNonNull(grace, "kill grace must not be null");
        return (ctx) -> ctx.killGraceNs(grace.toNanos());
    }

    /**
     * Subscribe to the public stream, the group stream or both tethered: the node is never cut loose from them and
     * receives every message, and their publishers and other subscribers wait for it instead (a blocking publish at
     * most the publish timeout, a dead node until the driver times its client out). By default both are untethered
     * (docs/guarantees.md).
     *
     * @param kinds {@link Channel.Kind#PUBLIC}, {@link Channel.Kind#GROUP} or both; none for neither, whatever
     *              {@link Configuration#TETHERED_STREAMS_PROP_NAME} says.
     * @return the option.
     * @throws IllegalArgumentException for another kind: the private and confirmation streams always are tethered.
     * @see Configuration#TETHERED_STREAMS_PROP_NAME
     */
    public static NodeOption tethered(final Channel.Kind... kinds)
    {
        final Channel.Kind[] copy = NodeContext.tetherable(kinds).toArray(new Channel.Kind[0]);
        return (ctx) -> ctx.tetheredStreams(copy);
    }

    /**
     * Whether the master launches its own media driver (the default) or attaches to a running one in its Aeron
     * directory, e.g. one started with {@code media-driver-config/bin/clustr-media-driver}.
     *
     * @param embedded true to embed a driver.
     * @return the option.
     */
    public static MasterOption embeddedDriver(final boolean embedded)
    {
        return (ctx) -> ctx.embeddedDriver(embedded);
    }

    /**
     * The profile of the master's embedded driver.
     *
     * @param profile {@code shared} (default), {@code low-latency} or the path of a properties file.
     * @return the option.
     */
    public static MasterOption driverProfile(final String profile)
    {
        Objects.requireNonNull(profile, "driver profile must not be null");
        return (ctx) -> ctx.driverProfile(profile);
    }

    /**
     * Term length of the cluster's IPC logs; the largest message is one eighth of it. Workers spawned by the master
     * use the master's.
     *
     * @param termLength a power of two from 64 KiB to 1 GiB.
     * @return the option.
     * @see Configuration#TERM_LENGTH_PROP_NAME
     */
    public static MasterOption termLength(final int termLength)
    {
        return (ctx) -> ctx.termLength(termLength);
    }
}
