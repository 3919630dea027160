package io.clustr.driver;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import io.aeron.driver.exceptions.ActiveDriverException;
import org.agrona.IoUtil;
import org.agrona.SemanticVersion;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One media driver directory: whether a driver is alive in it and which process runs it, read from Aeron's own
 * command-and-control file ({@code cnc.dat}: the driver's pid, its start time and the heartbeat it stamps on its
 * command buffer), and owner-only permissions for it.
 * <p>
 * A driver is alive while its heartbeat is younger than the driver timeout ({@code aeron.driver.timeout}, 10 s by
 * default), the test Aeron's own {@code CommonContext.isDriverActive} makes; reading the file never waits and never
 * writes to it.
 */
public final class DriverDirectory
{
    /**
     * The directory's mode once restricted: owner only.
     */
    public static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /**
     * What a directory holds, as far as its media driver goes.
     */
    public enum State
    {
        /**
         * There is no such directory.
         */
        MISSING,

        /**
         * A directory without a {@code cnc.dat}: no media driver has started there.
         */
        NO_DRIVER,

        /**
         * This process cannot read the directory or its {@code cnc.dat} (another user's, or an incompatible CnC
         * version): whether a driver is alive there is unknown, so it counts as in use.
         */
        UNREADABLE,

        /**
         * A {@code cnc.dat} that the driver has not finished writing, recently modified: a driver is starting.
         */
        STARTING,

        /**
         * A driver heartbeat younger than the driver timeout: a live driver.
         */
        ACTIVE,

        /**
         * A {@code cnc.dat} whose heartbeat is older than the driver timeout (or never finished): the driver has
         * gone and the directory is left over.
         */
        STOPPED
    }

    /**
     * What {@link #status(Path)} found.
     *
     * @param directory        the directory looked at.
     * @param state            what it holds.
     * @param driverPid        pid of the process that ran (or runs) the driver, from {@code cnc.dat}; 0 if unknown.
     * @param heartbeatAgeMs   age of the driver's last heartbeat; -1 if unknown.
     * @param startTimestampMs when the driver started (epoch ms), from {@code cnc.dat}; 0 if unknown.
     * @param detail           why the state is what it is, for messages (e.g. the I/O error); may be empty.
     */
    public record Status(
        Path directory, State state, long driverPid, long heartbeatAgeMs, long startTimestampMs, String detail)
    {
        /**
         * @return true if a driver is, or may be, using the directory: it must not be replaced or deleted.
         */
        public boolean isInUse()
        {
            return State.ACTIVE == state || State.STARTING == state || State.UNREADABLE == state;
        }

        /**
         * @return true if the process in {@link #driverPid()} exists now (it may be another process with a reused pid).
         */
        public boolean isDriverProcessAlive()
        {
            return driverPid > 0 && ProcessHandle.of(driverPid).map(ProcessHandle::isAlive).orElse(false);
        }

        /**
         * @return the status in words, e.g. {@code a media driver is running in /dev/shm/x (pid 42, heartbeat 12 ms
         * ago)}.
         */
        public String describe()
        {
            final String pid = driverPid > 0 ?
                "pid " + driverPid + (isDriverProcessAlive() ? "" : ", no longer running") : "pid unknown";
            switch (state)
            {
                case MISSING:
                    return "there is no directory " + directory;
                case NO_DRIVER:
                    return directory + " has no " + CncFileDescriptor.CNC_FILE + ": no media driver has started there";
                case UNREADABLE:
                    return "cannot read " + directory + " (" + detail + ")";
                case STARTING:
                    return "a media driver is starting in " + directory + " (" + pid + ")";
                case ACTIVE:
                    return "a media driver is running in " + directory + " (" + pid + ", heartbeat " +
                        heartbeatAgeMs + " ms ago)";
                case STOPPED:
                default:
                    return "the media driver of " + directory + " has stopped (" + pid +
                        (heartbeatAgeMs >= 0 ? ", last heartbeat " + (heartbeatAgeMs / 1000) + " s ago" : "") + ")";
            }
        }
    }

    private DriverDirectory()
    {
    }

    /**
     * Read a directory's state with the driver timeout of {@link CommonContext#DRIVER_TIMEOUT_MS}.
     *
     * @param directory a media driver directory (or a path where one may be).
     * @return what it holds; never throws for an I/O problem (that is {@link State#UNREADABLE}).
     */
    public static Status status(final Path directory)
    {
        return status(directory, CommonContext.DRIVER_TIMEOUT_MS);
    }

    /**
     * Read a directory's state.
     *
     * @param directory       a media driver directory (or a path where one may be).
     * @param driverTimeoutMs a heartbeat older than this means the driver has gone.
     * @return what it holds; never throws for an I/O problem (that is {@link State#UNREADABLE}).
     */
    public static Status status(final Path directory, final long driverTimeoutMs)
    {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS))
        {
            // Files.exists is false when the parent cannot be searched as well: tell the two apart
            final Path parent = directory.toAbsolutePath().getParent();
            if (null != parent && Files.isDirectory(parent) && !Files.isExecutable(parent))
            {
                return new Status(
                    directory, State.UNREADABLE, 0, -1, 0, "cannot enter " + parent + ", " + describeOwner(parent));
            }
            return new Status(directory, State.MISSING, 0, -1, 0, "");
        }
        if (!Files.isDirectory(directory))
        {
            return new Status(directory, State.UNREADABLE, 0, -1, 0, "not a directory");
        }
        if (!Files.isReadable(directory) || !Files.isExecutable(directory))
        {
            return new Status(directory, State.UNREADABLE, 0, -1, 0, describeOwner(directory));
        }

        final Path cncFile = directory.resolve(CncFileDescriptor.CNC_FILE);
        if (!Files.exists(cncFile))
        {
            return new Status(directory, State.NO_DRIVER, 0, -1, 0, "");
        }

        try (FileChannel channel = FileChannel.open(cncFile, StandardOpenOption.READ))
        {
            final long length = channel.size();
            if (length < CncFileDescriptor.META_DATA_LENGTH)
            {
                return unfinished(directory, cncFile, driverTimeoutMs);
            }

            final MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, length);
            try
            {
                buffer.order(ByteOrder.LITTLE_ENDIAN);
                final int version = buffer.getInt(CncFileDescriptor.CNC_VERSION_FIELD_OFFSET);
                if (0 == version)
                {
                    return unfinished(directory, cncFile, driverTimeoutMs);
                }
                if (SemanticVersion.major(version) != SemanticVersion.major(CncFileDescriptor.CNC_VERSION))
                {
                    return new Status(directory, State.UNREADABLE, 0, -1, 0,
                        "CnC version " + SemanticVersion.toString(version) + ", this Aeron reads " +
                        SemanticVersion.toString(CncFileDescriptor.CNC_VERSION));
                }

                final long pid = buffer.getLong(CncFileDescriptor.PID_FIELD_OFFSET);
                final long startMs = buffer.getLong(CncFileDescriptor.START_TIMESTAMP_FIELD_OFFSET);
                final int toDriverLength = buffer.getInt(CncFileDescriptor.TO_DRIVER_BUFFER_LENGTH_FIELD_OFFSET);
                final long heartbeatOffset = (long)CncFileDescriptor.META_DATA_LENGTH + toDriverLength -
                    RingBufferDescriptor.TRAILER_LENGTH + RingBufferDescriptor.CONSUMER_HEARTBEAT_OFFSET;
                if (toDriverLength < RingBufferDescriptor.TRAILER_LENGTH || heartbeatOffset + Long.BYTES > length)
                {
                    return new Status(directory, State.UNREADABLE, pid, -1, startMs, "cnc.dat is truncated");
                }

                final long heartbeatMs = buffer.getLong((int)heartbeatOffset);
                final long ageMs = Math.max(0, System.currentTimeMillis() - heartbeatMs);
                return new Status(
                    directory, ageMs <= driverTimeoutMs ? State.ACTIVE : State.STOPPED, pid, ageMs, startMs, "");
            }
            finally
            {
                IoUtil.unmap(buffer);
            }
        }
        catch (final NoSuchFileException ex)
        {
            return new Status(directory, State.NO_DRIVER, 0, -1, 0, "");
        }
        catch (final AccessDeniedException ex)
        {
            return new Status(directory, State.UNREADABLE, 0, -1, 0, describeOwner(cncFile));
        }
        catch (final IOException ex)
        {
            return new Status(directory, State.UNREADABLE, 0, -1, 0, ex.toString());
        }
    }

    private static Status unfinished(final Path directory, final Path cncFile, final long driverTimeoutMs)
        throws IOException
    {
        final long ageMs = System.currentTimeMillis() - Files.getLastModifiedTime(cncFile).toMillis();
        return new Status(directory, ageMs <= driverTimeoutMs ? State.STARTING : State.STOPPED, 0, -1, 0,
            "cnc.dat not initialised");
    }

    private static String describeOwner(final Path path)
    {
        try
        {
            return "owned by " + Files.getOwner(path) + ", mode " + PosixFilePermissions.toString(
                Files.getPosixFilePermissions(path)) + ", this process runs as " + System.getProperty("user.name") +
                ": only the owner's processes can use it";
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            return "permission denied";
        }
    }

    /**
     * Make a directory ready for a new driver without ever replacing a live one: refuse if a driver is (or may be)
     * running there, delete the directory of a driver that has stopped, and refuse a directory that holds files but
     * no {@code cnc.dat} (it is not a driver directory, and Aeron would delete it). Launch the driver afterwards with
     * {@code dirDeleteOnStart(false)}, so that Aeron checks again for an active driver just before it starts.
     *
     * @param directory where the driver is to run.
     * @return what was there before (a {@link State#STOPPED} directory has been deleted).
     * @throws ActiveDriverException  if a driver is, or may be, using the directory (the message names it and its pid).
     * @throws IllegalStateException if the directory holds something other than a media driver's files.
     */
    public static Status prepareForLaunch(final Path directory)
    {
        final Status status = status(directory);
        if (status.isInUse())
        {
            throw new ActiveDriverException(status.describe());
        }
        if (State.STOPPED == status.state())
        {
            IoUtil.delete(directory.toFile(), false);
        }
        else if (State.NO_DRIVER == status.state() && !isEmpty(directory))
        {
            throw new IllegalStateException(directory + " exists and is not a media driver directory (no " +
                CncFileDescriptor.CNC_FILE + "): not deleting it. Give the driver a new or empty directory");
        }

        return status;
    }

    private static boolean isEmpty(final Path directory)
    {
        try (Stream<Path> entries = Files.list(directory))
        {
            return entries.findAny().isEmpty();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + directory, ex);
        }
    }

    /**
     * Restrict a driver directory to its owner: the directory and its subdirectories {@code rwx------}, the files in
     * it without any group or other permission. Files the driver creates later (the message logs) get the process's
     * umask, but cannot be reached through the directory by another user. Does nothing on a file system without
     * POSIX permissions.
     *
     * @param directory the driver directory, after the driver has started in it.
     * @throws UncheckedIOException if the permissions cannot be changed.
     */
    public static void restrictToOwner(final Path directory)
    {
        try
        {
            Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
            final List<Path> entries;
            try (Stream<Path> walk = Files.walk(directory))
            {
                entries = walk.skip(1).collect(Collectors.toList());
            }
            for (final Path entry : entries)
            {
                try
                {
                    if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS))
                    {
                        Files.setPosixFilePermissions(entry, OWNER_ONLY_DIRECTORY);
                    }
                    else if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS))
                    {
                        final Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(entry);
                        if (permissions.removeAll(GROUP_AND_OTHERS))
                        {
                            Files.setPosixFilePermissions(entry, permissions);
                        }
                    }
                }
                catch (final NoSuchFileException ignore)
                {
                    // removed by the driver meanwhile
                }
            }
        }
        catch (final UnsupportedOperationException ignore)
        {
            // not a POSIX file system: nothing to restrict
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot restrict " + directory + " to its owner", ex);
        }
    }
}
