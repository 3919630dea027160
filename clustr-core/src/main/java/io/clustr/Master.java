package io.clustr;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.Publication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.exceptions.ActiveDriverException;
import io.clustr.driver.DriverDirectory;
import io.clustr.driver.DriverProfiles;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The master of a cluster: node id 0. It embeds the host's media driver by default (in a fresh owner-only directory
 * {@code /dev/shm/clustr-<pid>-<random>/driver}, SHARED threading, backoff idling, deleted on close; see
 * {@link DriverDirectories}), counts confirmations, answers joins with the cluster view, and spawns and supervises
 * workers like any node. An embedded driver never replaces one that runs in the same directory.
 * <pre>{@code
 * try (Master master = Master.create())
 * {
 *     master.onConfirmation(2, "ready", () -> master.publish(Channel.PUBLIC, "go"));
 *     master.spawn(List.of(spec("com.acme.WebWorker", cpu(1)), spec("com.acme.WebWorker", cpu(1))));
 *     master.awaitTermination();
 * }
 * }</pre>
 * The master does not receive group messages; it receives public messages and those sent to
 * {@code Channel.worker(0)}. One master per media driver: a second one on the same driver is refused.
 */
public final class Master extends Node
{
    private final MediaDriver driver;
    private final Path ownDirectory;
    private final AtomicBoolean isDriverClosed = new AtomicBoolean();
    private final GroupOperations groupOperations;

    private Master(final Context ctx, final MediaDriver driver, final Path ownDirectory, final Aeron aeron)
    {
        super(ctx, aeron, 0, "", -1);
        this.driver = driver;
        this.ownDirectory = ownDirectory;
        this.groupOperations = new GroupOperations(this, spawnBridge(), ctx.killGraceNs());
    }

    /**
     * Start a master with options; see {@link Options}.
     *
     * @param options e.g. {@code aeronDirectory("/dev/shm/clustr-prod")}, {@code embeddedDriver(false)}.
     * @return the running master.
     * @throws ClustrException if the driver cannot start (e.g. too little free space in {@code /dev/shm}, or another
     *                         driver runs in the directory given), or no driver runs in the directory when not
     *                         embedding one, or the JVM lacks the flags clustr needs.
     */
    public static Master create(final MasterOption... options)
    {
        final Context ctx = new Context();
        for (final MasterOption option : options)
        {
            Objects.requireNonNull(option, "master option must not be null").applyTo(ctx);
        }

        return launch(ctx);
    }

    /**
     * Start a master from a context. The master owns the context from now on.
     *
     * @param ctx the configuration.
     * @return the running master.
     */
    public static Master launch(final Context ctx)
    {
        MediaDriver driver = null;
        Path ownDirectory = null;
        try
        {
            ctx.conclude();
            if (ctx.removeStaleDirectories())
            {
                DriverDirectories.removeStaleQuietly();
            }
            if (ctx.embeddedDriver())
            {
                if (null != ctx.masterDirectory())
                {
                    DriverDirectories.createMasterDirectory(ctx.masterDirectory());
                    ownDirectory = ctx.masterDirectory();
                }
                driver = launchDriver(ctx);
            }
            final Aeron aeron = NodeClient.connect(ctx);
            checkNoOtherMaster(ctx, aeron);

            return new Master(ctx, driver, ownDirectory, aeron);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(ctx::close);
            CloseHelper.quietClose(driver);
            if (null != ownDirectory)
            {
                IoUtil.delete(ownDirectory.toFile(), true);
            }
            throw ex;
        }
    }

    /**
     * Only the master subscribes to confirmations: a subscriber there means another master uses this driver.
     */
    private static void checkNoOtherMaster(final Context ctx, final Aeron aeron)
    {
        try (Publication confirmations = Subscribers.awaitLinked(aeron, aeron.addPublication(
            Configuration.ipcChannel(ctx.termLength()), ctx.confirmationStreamId())))
        {
            if (confirmations.isConnected() || Subscribers.exist(aeron.countersReader(), confirmations))
            {
                throw new ClustrException("another master is already running on the media driver in " +
                    ctx.aeronDirectoryName() + ": run one master per driver (close it, or give this one its own " +
                    "driver)");
            }
        }
    }

    /**
     * Never replaces a live driver: a directory a driver is (or may be) using is refused, one a stopped driver left is
     * deleted first, and Aeron's own active-driver check runs again at start ({@code dirDeleteOnStart(false)}). Once
     * the driver runs, its directory is made owner-only before any client (so any message log) exists.
     */
    private static MediaDriver launchDriver(final Context ctx)
    {
        final Path directory = Path.of(ctx.aeronDirectoryName());
        final MediaDriver.Context driverCtx = DriverProfiles.context(ctx.driverProfile())
            .aeronDirectoryName(ctx.aeronDirectoryName())
            .dirDeleteOnStart(false)
            .dirDeleteOnShutdown(true)
            .ipcTermBufferLength(ctx.termLength());
        if (null == driverCtx.threadingMode())
        {
            driverCtx.threadingMode(ThreadingMode.SHARED);
        }

        MediaDriver driver = null;
        try
        {
            DriverDirectory.prepareForLaunch(directory);
            driver = MediaDriver.launchEmbedded(driverCtx);
            DriverDirectory.restrictToOwner(directory);
            return driver;
        }
        catch (final ActiveDriverException ex)
        {
            final DriverDirectory.Status status = DriverDirectory.status(directory);
            throw new ClustrException(status.describe() + ": this master's embedded driver would replace it under " +
                "the cluster using it. Attach to it with Options.embeddedDriver(false), stop " +
                (status.driverPid() > 0 ? "process " + status.driverPid() : "it") + " first, or give this " +
                "master its own directory (without Options.aeronDirectory it makes a fresh one)", ex);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw new ClustrException("could not start the embedded media driver in " + ctx.aeronDirectoryName() +
                ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Add a callback that fires each time {@code count} confirmations with this id have arrived (duplicates from
     * one worker count), after which its counter starts again from zero: with a count of 2 it fires once for 2
     * confirmations, twice for 4. Register before spawning the workers that confirm.
     *
     * @param count          how many confirmations fire the callback, at least 1.
     * @param confirmationId only confirmations with exactly this id count, e.g. {@code "ready"}.
     * @param callback       called on the master's duty-cycle thread.
     * @return this master.
     * @throws IllegalArgumentException if count is less than 1.
     */
    public Master onConfirmation(final int count, final String confirmationId, final Runnable callback)
    {
        Objects.requireNonNull(callback, "confirmation callback must not be null");
        confirmations().register(count, confirmationId, (confirmations) -> callback.run());
        return this;
    }

    /**
     * Like {@link #onConfirmation(int, String, Runnable)}, passing the counted confirmations (who sent them).
     *
     * @param count          how many confirmations fire the handler, at least 1.
     * @param confirmationId only confirmations with exactly this id count.
     * @param handler        called on the master's duty-cycle thread with the {@code count} confirmations.
     * @return this master.
     * @throws IllegalArgumentException if count is less than 1.
     */
    public Master onConfirmation(final int count, final String confirmationId, final ConfirmationHandler handler)
    {
        confirmations().register(count, confirmationId, handler);
        return this;
    }

    /**
     * Wait, once, for {@code count} confirmations with this id: a wait that can fail, unlike the counting
     * {@code onConfirmation} callbacks. Call it before spawning the workers that confirm.
     * <pre>{@code
     * CompletableFuture<List<Confirmation>> ready = master.awaitConfirmations(2, "ready");
     * master.spawn(List.of(spec("com.acme.WebWorker"), spec("com.acme.WebWorker")));
     * ready.get(30, TimeUnit.SECONDS); // or throws, naming the spec that crash-looped and its last exit
     * }</pre>
     * The future completes on the master's duty-cycle thread (do not block in what it runs) with the first
     * {@code count} confirmations with this id that arrive after the call (duplicates from one worker count, as for
     * {@code onConfirmation}). It fails at once:
     * <ul>
     *     <li>with a {@link SpawnGaveUpException} when a spec this master spawned is given up (its crash-loop budget
     *     is spent, or it could no longer be forked) before any of its workers confirmed into this wait: that spec's
     *     readiness can never come. The exception names the spec, why it was given up and its last exit;</li>
     *     <li>with a {@link ClustrException} when the master closes first.</li>
     * </ul>
     * Give-ups in workers' own children are reported to those workers, not to the master: use
     * {@link io.clustr.spawn.RespawnPolicy#escalate(int)} there to turn them into the worker's exit.
     *
     * @param count          how many confirmations complete the future, at least 1.
     * @param confirmationId only confirmations with exactly this id count, e.g. {@code "ready"}.
     * @return the future of the {@code count} confirmations, in arrival order.
     * @throws IllegalArgumentException if count is less than 1.
     */
    public CompletableFuture<List<Confirmation>> awaitConfirmations(final int count, final String confirmationId)
    {
        return confirmations().await(count, confirmationId);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Master onPublic(final MessageHandler handler)
    {
        super.onPublic(handler);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Master onPrivate(final MessageHandler handler)
    {
        super.onPrivate(handler);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Master onKill(final KillHandler handler)
    {
        super.onKill(handler);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Master onMissed(final MissedListener listener)
    {
        super.onMissed(listener);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Master onLifecycle(final LifecycleListener listener)
    {
        super.onLifecycle(listener);
        return this;
    }

    /**
     * Say when a worker of a group counts as ready, for {@link #reload(String)}, {@link #scale(String, int)} and the
     * operator's {@code clustr reload} and {@code clustr scale}. Set it before spawning the group's workers when
     * ready is a confirmation, so that none is missed. Default: {@link Readiness#online()}.
     *
     * @param group     the group's name.
     * @param readiness e.g. {@code Readiness.confirmation("ready").timeout(Duration.ofSeconds(20))}.
     * @return this master.
     */
    public Master readiness(final String group, final Readiness readiness)
    {
        groupOperations.readiness(group, readiness);
        return this;
    }

    /**
     * A future that completes when a worker this master spawned is ready, or fails if it exits first or is not ready
     * within the readiness timeout (counted from this call). For a confirmation, call it before the worker can have
     * confirmed (right after spawning, or set the group's {@link #readiness(String, Readiness)} first).
     *
     * @param worker    a worker this master spawned.
     * @param readiness what ready means.
     * @return completes with the worker, on the master's duty-cycle thread.
     */
    public CompletableFuture<WorkerHandle> whenReady(final WorkerHandle worker, final Readiness readiness)
    {
        return groupOperations.whenReady(worker, readiness);
    }

    /**
     * Rolling restart of a group of the workers this master spawned, so that the group is never short: for each of
     * its workers in turn, oldest first, spawn a replacement from the same spec, wait until it is ready (the group's
     * {@link #readiness(String, Readiness)}), then ask the old one to exit with 0 (its kill hooks run; it is killed
     * after the kill grace) and wait for its exit. The old workers are never respawned, whatever their policy.
     * <p>
     * A replacement that is not ready in time, or exits first, is a failed start: it is stopped, the worker it was
     * to replace keeps running, and the future fails saying so (workers replaced before it stay replaced).
     * Operations of this master run one at a time, in the order asked, on a thread of their own; each is reported to
     * the lifecycle listeners ({@link LifecycleListener#onOperationStarted(String, String)}).
     *
     * @param group the group's name.
     * @return completes with the replacements, in order; fails with a {@link ClustrException}.
     * @throws ClustrException if the master is closed.
     */
    public CompletableFuture<List<WorkerHandle>> reload(final String group)
    {
        return groupOperations.reload(group, "api");
    }

    /**
     * Grow or shrink a group of the workers this master spawned to {@code count}: new workers from the spec its
     * workers were spawned from, waited for until ready (a worker not ready in time is stopped and the future
     * fails), or the newest workers asked to exit with 0 and not respawned. Runs in turn with the other operations
     * and is reported as {@link #reload(String)} is.
     *
     * @param group the group's name.
     * @param count how many workers the group should have, 0 or more.
     * @return completes with the workers added (none when shrinking).
     * @throws IllegalArgumentException if count is negative.
     * @throws ClustrException          if the master is closed.
     */
    public CompletableFuture<List<WorkerHandle>> scale(final String group, final int count)
    {
        return groupOperations.scale(group, count, "api");
    }

    GroupOperations groupOperations()
    {
        return groupOperations;
    }

    /**
     * @return true if this master runs the media driver itself.
     */
    public boolean hasEmbeddedDriver()
    {
        return null != driver;
    }

    @Override
    void onClosed()
    {
        confirmations().onClosed("the master has closed");
        if (isDriverClosed.compareAndSet(false, true))
        {
            groupOperations.close();
            CloseHelper.quietClose(driver);
            if (null != ownDirectory)
            {
                IoUtil.delete(ownDirectory.toFile(), true);
            }
        }
    }

    /**
     * Configuration of a {@link Master}: see {@link Node.Context} for what all nodes share.
     */
    public static final class Context extends Node.Context<Context>
    {
        /**
         * Free space the embedded driver needs in its file system beyond the cluster's logs: the driver's
         * command-and-control file, counters and error log.
         */
        public static final long DRIVER_BASE_SPACE_BYTES = 16L * 1024 * 1024;

        /**
         * How many logs' worth of space must be free when the embedded driver starts: the master's streams and a
         * few workers'.
         */
        public static final int MIN_FREE_LOGS = 8;

        private boolean embeddedDriver = Configuration.embeddedDriver();
        private String driverProfile = Configuration.driverProfile();
        private boolean removeStaleDirectories = Configuration.removeStaleDirectories();
        private Path masterDirectory;

        /**
         * A context with defaults from system properties.
         */
        public Context()
        {
        }

        @Override
        void concludeNode()
        {
            if (null == name())
            {
                name("master");
            }
            if (termLength() < 0)
            {
                termLength(Configuration.termLength());
            }

            if (embeddedDriver)
            {
                if (null == aeronDirectoryName())
                {
                    masterDirectory = DriverDirectories.newMasterDirectory(DriverDirectories.defaultBase());
                    aeronDirectoryName(masterDirectory.resolve(DriverDirectories.DRIVER_SUBDIRECTORY).toString());
                    aeronDirectorySource("a fresh directory of this master");
                }
                else
                {
                    aeronDirectorySource("Options.aeronDirectory");
                }
                checkFreeSpace(aeronDirectoryName(), DRIVER_BASE_SPACE_BYTES + MIN_FREE_LOGS *
                    (3L * Math.max(termLength(), 64 * 1024) + 4096));
            }
            else if (null == aeronDirectoryName())
            {
                aeronDirectoryName(CommonContext.getAeronDirectoryName());
                aeronDirectorySource(null != System.getProperty(CommonContext.AERON_DIR_PROP_NAME) ?
                    "-D" + CommonContext.AERON_DIR_PROP_NAME : "Aeron's default directory (neither " +
                    "Options.aeronDirectory nor -D" + CommonContext.AERON_DIR_PROP_NAME + " is set)");
            }
            else
            {
                aeronDirectorySource("Options.aeronDirectory");
            }
        }

        /**
         * @return the directory this master makes for its driver (the driver runs in its
         * {@value DriverDirectories#DRIVER_SUBDIRECTORY} subdirectory), or null when given a directory.
         */
        Path masterDirectory()
        {
            return masterDirectory;
        }

        private static void checkFreeSpace(final String directory, final long requiredBytes)
        {
            Path existing = Path.of(directory).toAbsolutePath();
            while (null != existing && !Files.exists(existing))
            {
                existing = existing.getParent();
            }
            if (null == existing)
            {
                return;
            }

            try
            {
                final FileStore store = Files.getFileStore(existing);
                final long usable = store.getUsableSpace();
                if (usable < requiredBytes)
                {
                    throw new ClustrException("only " + (usable >> 20) + " MiB free in " + existing + " (" + store +
                        "): the media driver needs at least " + (requiredBytes >> 20) + " MiB. Free space there, " +
                        "lower " + Configuration.TERM_LENGTH_PROP_NAME + ", or put the driver elsewhere with " +
                        "Options.aeronDirectory");
                }
            }
            catch (final IOException ex)
            {
                // cannot tell: let the driver try
            }
        }

        /**
         * @param embeddedDriver true to launch a media driver in this process (the default), false to attach to
         *                       the one running in {@link #aeronDirectoryName()}.
         * @return this context.
         * @see Configuration#EMBEDDED_DRIVER_PROP_NAME
         */
        public Context embeddedDriver(final boolean embeddedDriver)
        {
            this.embeddedDriver = embeddedDriver;
            return this;
        }

        /**
         * @return true to launch a media driver in this process.
         */
        public boolean embeddedDriver()
        {
            return embeddedDriver;
        }

        /**
         * @param removeStaleDirectories whether the master removes, when it starts, the driver directories that dead
         *                               masters of this user left behind ({@link DriverDirectories#removeStale()}).
         * @return this context.
         * @see Configuration#REMOVE_STALE_DIRECTORIES_PROP_NAME
         */
        public Context removeStaleDirectories(final boolean removeStaleDirectories)
        {
            this.removeStaleDirectories = removeStaleDirectories;
            return this;
        }

        /**
         * @return whether the master removes stale driver directories when it starts.
         */
        public boolean removeStaleDirectories()
        {
            return removeStaleDirectories;
        }

        /**
         * @param driverProfile profile of the embedded driver: {@code shared}, {@code low-latency} or a file.
         * @return this context.
         * @see Configuration#DRIVER_PROFILE_PROP_NAME
         */
        public Context driverProfile(final String driverProfile)
        {
            this.driverProfile = driverProfile;
            return this;
        }

        /**
         * @return profile of the embedded driver.
         */
        public String driverProfile()
        {
            return driverProfile;
        }
    }
}
