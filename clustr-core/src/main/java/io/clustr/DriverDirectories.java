package io.clustr;

import io.clustr.driver.DriverDirectory;
import org.agrona.IoUtil;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The media driver directories clustr names, and the stale ones: what the embedded drivers of dead masters left
 * behind (a master SIGKILLed, or a JVM that crashed, cannot delete its directory: 83-95 MiB of {@code /dev/shm}
 * each with the default term length).
 * <p>
 * A master without {@code Options.aeronDirectory} makes a directory {@code <base>/clustr-<pid>-<8 hex digits>},
 * owner-only ({@code rwx------}), and runs its driver in the {@value #DRIVER_SUBDIRECTORY} directory inside it; the
 * base is {@code /dev/shm}, or {@code java.io.tmpdir} where {@code /dev/shm} is not writable. Only directories of that
 * name, owned by the user this process runs as, are ever considered. One is stale when all of these hold:
 * <ul>
 *     <li>the master process whose pid is in the name is not running (or a process with that pid started after the
 *     directory's driver did, so it is another one);</li>
 *     <li>no driver is, or may be, alive in it: its {@code cnc.dat} heartbeat is older than Aeron's driver timeout
 *     ({@code aeron.driver.timeout}, 10 s), or there is no {@code cnc.dat}; a driver starting or a file this process
 *     cannot read count as alive;</li>
 *     <li>the driver's pid in {@code cnc.dat} (Aeron 1.51 writes it) is not a running process either.</li>
 * </ul>
 * So a directory any live process uses is never removed: a master alive (even stopped with SIGSTOP), a standalone
 * driver, or a driver whose pid this process cannot see (another pid namespace) but whose heartbeat goes on.
 * A master removes the stale ones when it starts ({@value Configuration#REMOVE_STALE_DIRECTORIES_PROP_NAME}); a
 * command can call {@link #removeStale()}, or run this class: {@code java -cp <clustr-core class path>
 * io.clustr.DriverDirectories [--remove] [base]}.
 */
public final class DriverDirectories
{
    /**
     * The name a master gives its directory: {@code clustr-<master pid>-<8 hex digits>}.
     */
    public static final Pattern NAME = Pattern.compile("clustr-([1-9][0-9]{0,18})-([0-9a-f]{8})");

    /**
     * The driver's own directory inside a master's directory (the Aeron directory workers are given).
     */
    public static final String DRIVER_SUBDIRECTORY = "driver";

    /**
     * A process that started within this much after a directory's driver is still taken for its owner (process
     * start times are in clock ticks, the driver's in milliseconds).
     */
    private static final long START_TIME_SLACK_MS = 1_000;

    private static final System.Logger LOGGER = System.getLogger(DriverDirectories.class.getName());

    /**
     * A directory a dead master left behind.
     *
     * @param directory the master's directory (removing it removes its driver directory).
     * @param masterPid the pid in its name.
     * @param driver    what its driver directory holds (state, the driver's pid, its last heartbeat).
     * @param sizeBytes bytes of the files in it.
     */
    public record Stale(Path directory, long masterPid, DriverDirectory.Status driver, long sizeBytes)
    {
        /**
         * @return e.g. {@code /dev/shm/clustr-42-0a1b2c3d (master pid 42 not running; the media driver of ... has
         * stopped (pid 42, no longer running, last heartbeat 12 s ago); 95 MiB)}.
         */
        public String describe()
        {
            return directory + " (master pid " + masterPid + " not running; " + driver.describe() + "; " +
                (sizeBytes >> 20) + " MiB)";
        }
    }

    private DriverDirectories()
    {
    }

    /**
     * @return where a master puts its directory: {@code /dev/shm} if it is a writable directory, else
     * {@code java.io.tmpdir}.
     */
    public static Path defaultBase()
    {
        final File shm = new File("/dev/shm");
        return shm.isDirectory() && shm.canWrite() ? shm.toPath() : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * A new directory name for a master of this process (not created).
     */
    static Path newMasterDirectory(final Path base)
    {
        return base.resolve("clustr-" + ProcessHandle.current().pid() + "-" +
            String.format("%08x", ThreadLocalRandom.current().nextInt()));
    }

    /**
     * Create a master's directory, owner-only, failing if it exists.
     */
    static void createMasterDirectory(final Path directory)
    {
        try
        {
            try
            {
                Files.createDirectory(directory,
                    PosixFilePermissions.asFileAttribute(DriverDirectory.OWNER_ONLY_DIRECTORY));
            }
            catch (final UnsupportedOperationException ex)
            {
                Files.createDirectory(directory);
            }
        }
        catch (final IOException ex)
        {
            throw new ClustrException("cannot create the master's directory " + directory + ": " + ex, ex);
        }
    }

    /**
     * @param directory a master's directory.
     * @return the driver directory in it: {@value #DRIVER_SUBDIRECTORY}, or the directory itself for a directory made
     * before clustr nested the driver (its {@code cnc.dat} is at the top).
     */
    static Path driverDirectoryOf(final Path directory)
    {
        final Path nested = directory.resolve(DRIVER_SUBDIRECTORY);
        return Files.isDirectory(nested) || !Files.exists(directory.resolve("cnc.dat")) ? nested : directory;
    }

    /**
     * @return the stale directories in {@link #defaultBase()}.
     */
    public static List<Stale> findStale()
    {
        return findStale(defaultBase());
    }

    /**
     * @param base the directory to look in, e.g. {@code /dev/shm}.
     * @return the stale master directories there, owned by this process's user; empty if the base cannot be read.
     */
    public static List<Stale> findStale(final Path base)
    {
        final List<Stale> stale = new ArrayList<>();
        final List<Path> candidates = new ArrayList<>();
        try (Stream<Path> entries = Files.list(base))
        {
            entries.filter((path) -> NAME.matcher(path.getFileName().toString()).matches()).forEach(candidates::add);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            return stale;
        }

        for (final Path candidate : candidates)
        {
            check(candidate).ifPresent(stale::add);
        }

        return stale;
    }

    /**
     * Remove the stale directories in {@link #defaultBase()}.
     *
     * @return the directories removed.
     */
    public static List<Stale> removeStale()
    {
        return removeStale(defaultBase());
    }

    /**
     * Remove the stale directories in a base directory; each is checked again just before it is removed.
     *
     * @param base the directory to look in, e.g. {@code /dev/shm}.
     * @return the directories removed.
     */
    public static List<Stale> removeStale(final Path base)
    {
        final List<Stale> removed = new ArrayList<>();
        for (final Stale found : findStale(base))
        {
            final Optional<Stale> again = check(found.directory());
            if (again.isPresent())
            {
                IoUtil.delete(found.directory().toFile(), true);
                if (!Files.exists(found.directory(), LinkOption.NOFOLLOW_LINKS))
                {
                    removed.add(again.get());
                }
            }
        }

        return removed;
    }

    /**
     * Remove stale directories, logging each; never throws (a master starts anyway).
     */
    static void removeStaleQuietly()
    {
        try
        {
            for (final Stale stale : removeStale())
            {
                LOGGER.log(System.Logger.Level.INFO, "clustr: removed the media driver directory of a master that " +
                    "has gone: " + stale.describe());
            }
        }
        catch (final RuntimeException ex)
        {
            LOGGER.log(System.Logger.Level.WARNING, "clustr: could not remove stale media driver directories", ex);
        }
    }

    /**
     * @return the directory as stale, or empty if it is not (or cannot be shown to be).
     */
    static Optional<Stale> check(final Path directory)
    {
        final Matcher matcher = NAME.matcher(directory.getFileName().toString());
        if (!matcher.matches() || !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS) || !isOwnedByMe(directory))
        {
            return Optional.empty();
        }

        final long masterPid;
        try
        {
            masterPid = Long.parseLong(matcher.group(1));
        }
        catch (final NumberFormatException ex)
        {
            return Optional.empty();
        }

        final DriverDirectory.Status driver = DriverDirectory.status(driverDirectoryOf(directory));
        if (driver.isInUse() || isOwnerAlive(masterPid, driver) || isOwnerAlive(driver.driverPid(), driver))
        {
            return Optional.empty();
        }

        return Optional.of(new Stale(directory, masterPid, driver, sizeOf(directory)));
    }

    /**
     * A process with this pid is running and did not start after the directory's driver (when that is known).
     */
    private static boolean isOwnerAlive(final long pid, final DriverDirectory.Status driver)
    {
        if (pid <= 0)
        {
            return false;
        }

        final Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive())
        {
            return false;
        }

        final Optional<Instant> started = process.get().info().startInstant();
        return driver.startTimestampMs() <= 0 || started.isEmpty() ||
            started.get().toEpochMilli() <= driver.startTimestampMs() + START_TIME_SLACK_MS;
    }

    private static boolean isOwnedByMe(final Path directory)
    {
        try
        {
            final Object myUid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return myUid.equals(Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        }
        catch (final IOException | UnsupportedOperationException | IllegalArgumentException ex)
        {
            try
            {
                return Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS).getName()
                    .equals(System.getProperty("user.name"));
            }
            catch (final IOException | UnsupportedOperationException ex2)
            {
                return false;
            }
        }
    }

    private static long sizeOf(final Path directory)
    {
        final long[] size = new long[1];
        try (Stream<Path> walk = Files.walk(directory))
        {
            walk.forEach((path) ->
            {
                try
                {
                    final BasicFileAttributes attributes = Files.readAttributes(
                        path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (attributes.isRegularFile())
                    {
                        size[0] += attributes.size();
                    }
                }
                catch (final IOException ignore)
                {
                    // gone or unreadable: not counted
                }
            });
        }
        catch (final IOException | UncheckedIOException ignore)
        {
            // partly counted
        }

        return size[0];
    }

    /**
     * List the stale directories, or remove them with {@code --remove}.
     *
     * @param args {@code [--remove] [base]}, base by default {@link #defaultBase()}.
     */
    public static void main(final String[] args)
    {
        boolean remove = false;
        Path base = defaultBase();
        for (final String arg : args)
        {
            if ("--remove".equals(arg))
            {
                remove = true;
            }
            else if (arg.startsWith("-"))
            {
                System.err.println("usage: DriverDirectories [--remove] [base directory, default " +
                    defaultBase() + "]");
                System.exit(2);
            }
            else
            {
                base = Path.of(arg);
            }
        }

        final List<Stale> stale = remove ? removeStale(base) : findStale(base);
        for (final Stale directory : stale)
        {
            System.out.println((remove ? "removed " : "stale ") + directory.describe());
        }
        if (stale.isEmpty())
        {
            System.out.println("no stale clustr media driver directories in " + base);
        }
    }
}
