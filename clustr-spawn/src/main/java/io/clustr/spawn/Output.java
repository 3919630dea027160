package io.clustr.spawn;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a child's stdout and stderr go. They are always consumed, so a chatty child never blocks on a full pipe.
 * <p>
 * Lines clustr writes for a child (forwarded with a prefix, or written to rotated files by {@link #toFiles(Path,
 * long, int)}) start with the local time they were read at, {@code HH:mm:ss.SSS} when forwarded and an ISO date and
 * time ({@code 2026-12-02T07:45:07.123}) in files, unless {@link #withTimestamps(boolean) turned off} or
 * {@link #TIMESTAMPS_PROP_NAME} is false. {@link #forwardUnprefixed()} and {@link #toDirectory(Path)} pass the child's
 * lines through untouched.
 */
public final class Output
{
    /**
     * Do the lines clustr writes for a child start with a timestamp by default? {@code true} unless set to false.
     */
    public static final String TIMESTAMPS_PROP_NAME = "clustr.spawn.output.timestamps";

    /**
     * The smallest {@link #toFiles(Path, long, int) size cap} of a log file: 1 KiB.
     */
    public static final long MIN_MAX_BYTES = 1024;

    /**
     * The file name suffix of a child's stdout written by {@link #toFiles(Path, long, int)}.
     */
    public static final String OUT_SUFFIX = ".out.log";

    /**
     * The file name suffix of a child's stderr written by {@link #toFiles(Path, long, int)}.
     */
    public static final String ERR_SUFFIX = ".err.log";

    private static final boolean TIMESTAMPS_DEFAULT =
        !"false".equalsIgnoreCase(System.getProperty(TIMESTAMPS_PROP_NAME, "true").trim());
    private static final Output FORWARD = new Output(Kind.FORWARD, null, true, TIMESTAMPS_DEFAULT, 0, 0);
    private static final Output FORWARD_UNPREFIXED = new Output(Kind.FORWARD, null, false, false, 0, 0);

    enum Kind
    {
        FORWARD, DIRECTORY, FILES
    }

    private final Kind kind;
    private final Path directory;
    private final boolean prefixed;
    private final boolean timestamps;
    private final long maxBytes;
    private final int keep;

    private Output(
        final Kind kind,
        final Path directory,
        final boolean prefixed,
        final boolean timestamps,
        final long maxBytes,
        final int keep)
    {
        this.kind = kind;
        this.directory = directory;
        this.prefixed = prefixed;
        this.timestamps = timestamps;
        this.maxBytes = maxBytes;
        this.keep = keep;
    }

    /**
     * Each line of the child's stdout to the supervisor's {@link Supervisor.Context#out(java.io.PrintStream) out} and
     * of its stderr to {@link Supervisor.Context#err(java.io.PrintStream) err}, prefixed with the time and
     * {@code "[name#id pid] "}: {@code 07:45:07.123 [web#14 27463] started}. The default.
     *
     * @return the forwarding output.
     */
    public static Output forward()
    {
        return FORWARD;
    }

    /**
     * As {@link #forward()}, without the prefix and the timestamp: for children that write their own.
     *
     * @return the forwarding output without prefixes.
     */
    public static Output forwardUnprefixed()
    {
        return FORWARD_UNPREFIXED;
    }

    /**
     * The child's stdout to {@code <dir>/<name>-<id>.out} and its stderr to {@code <dir>/<name>-<id>.err}, written by
     * the child itself (no thread of the parent on the path, no timestamps, no size cap). The directory is created if
     * missing.
     *
     * @param dir the directory of the log files.
     * @return the output to files.
     * @see #toFiles(Path, long, int)
     */
    public static Output toDirectory(final Path dir)
    {
        if (null == dir)
        {
            throw new IllegalArgumentException("output directory must not be null");
        }

        return new Output(Kind.DIRECTORY, dir, false, false, 0, 0);
    }

    /**
     * The child's stdout to {@code <dir>/<name>-<id>.out.log} and its stderr to {@code <dir>/<name>-<id>.err.log},
     * each line with a timestamp, written by a thread of the parent that drains the child's pipes, so the child never
     * blocks on the disk. A file that would grow past {@code maxBytes} is rotated first: it becomes {@code .1}, the
     * {@code .1} becomes {@code .2} and so on, and the oldest beyond {@code keep} is deleted, so a child's stream
     * takes at most {@code (keep + 1) * maxBytes} bytes (a file exceeds the cap only by a single line longer than the
     * cap; lines are cut at 16 KiB). When a write fails (a full disk), its lines are counted and dropped with one
     * warning, and writing goes on with the next line. The directory is created if missing.
     *
     * @param dir      the directory of the log files.
     * @param maxBytes the size cap of each file, at least {@link #MIN_MAX_BYTES}.
     * @param keep     how many rotated files to keep per stream, 0 or more (0: the file starts afresh at the cap).
     * @return the output to rotated files.
     */
    public static Output toFiles(final Path dir, final long maxBytes, final int keep)
    {
        if (null == dir)
        {
            throw new IllegalArgumentException("output directory must not be null");
        }

        if (maxBytes < MIN_MAX_BYTES)
        {
            throw new IllegalArgumentException(
                "output file size cap " + maxBytes + " is too small: use at least " + MIN_MAX_BYTES + " bytes");
        }

        if (keep < 0)
        {
            throw new IllegalArgumentException(
                "output files to keep must be 0 or more, not " + keep + " (0 keeps no rotated file)");
        }

        return new Output(Kind.FILES, dir, false, TIMESTAMPS_DEFAULT, maxBytes, keep);
    }

    /**
     * This output with or without the timestamps at the start of the lines clustr writes ({@link #forward()},
     * {@link #toFiles(Path, long, int)}); the others have none either way.
     *
     * @param timestamps true to start each line with its time.
     * @return the output with that choice.
     */
    public Output withTimestamps(final boolean timestamps)
    {
        if (Kind.DIRECTORY == kind || (Kind.FORWARD == kind && !prefixed))
        {
            return this;
        }

        return timestamps == this.timestamps ? this : new Output(kind, directory, prefixed, timestamps, maxBytes, keep);
    }

    /**
     * The directory of the log files, when the output goes to files.
     *
     * @return the directory, or empty when the output is forwarded.
     */
    public Optional<Path> directory()
    {
        return Optional.ofNullable(directory);
    }

    /**
     * Is each forwarded line prefixed with {@code "[name#id pid] "}?
     *
     * @return true for {@link #forward()}.
     */
    public boolean isPrefixed()
    {
        return prefixed;
    }

    /**
     * Does each line clustr writes for the child start with its time?
     *
     * @return true when lines get a timestamp.
     */
    public boolean hasTimestamps()
    {
        return timestamps;
    }

    /**
     * Does the child write its files itself ({@link #toDirectory(Path)})?
     *
     * @return true when no thread of the parent drains the child's output.
     */
    public boolean isWrittenByChild()
    {
        return Kind.DIRECTORY == kind;
    }

    /**
     * Is the output written by the parent to size-capped, rotated files ({@link #toFiles(Path, long, int)})?
     *
     * @return true for rotated files.
     */
    public boolean isRotated()
    {
        return Kind.FILES == kind;
    }

    /**
     * The size cap of each file of {@link #toFiles(Path, long, int)}.
     *
     * @return the cap in bytes, 0 for the other outputs.
     */
    public long maxBytes()
    {
        return maxBytes;
    }

    /**
     * How many rotated files {@link #toFiles(Path, long, int)} keeps per stream.
     *
     * @return the count, 0 for the other outputs.
     */
    public int keep()
    {
        return keep;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }

        if (!(o instanceof Output))
        {
            return false;
        }

        final Output that = (Output)o;

        return kind == that.kind && prefixed == that.prefixed && timestamps == that.timestamps &&
            maxBytes == that.maxBytes && keep == that.keep && Objects.equals(directory, that.directory);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int hashCode()
    {
        return Objects.hash(kind, directory, prefixed, timestamps, maxBytes, keep);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        switch (kind)
        {
            case DIRECTORY:
                return "toDirectory(" + directory + ")";

            case FILES:
                return "toFiles(" + directory + ", " + maxBytes + ", " + keep + ")" +
                    (timestamps ? "" : ".withTimestamps(false)");

            default:
                return prefixed ? "forward" + (timestamps ? "" : ".withTimestamps(false)") : "forwardUnprefixed";
        }
    }
}
