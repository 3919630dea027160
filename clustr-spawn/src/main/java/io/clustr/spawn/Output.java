package io.clustr.spawn;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a child's stdout and stderr go. They are always consumed, so a chatty child never blocks on a full pipe.
 */
public final class Output
{
    private static final Output FORWARD = new Output(null, true);
    private static final Output FORWARD_UNPREFIXED = new Output(null, false);

    private final Path directory;
    private final boolean prefixed;

    private Output(final Path directory, final boolean prefixed)
    {
        this.directory = directory;
        this.prefixed = prefixed;
    }

    /**
     * Each line of the child's stdout to the supervisor's {@link Supervisor.Context#out(java.io.PrintStream) out} and
     * of its stderr to {@link Supervisor.Context#err(java.io.PrintStream) err}, prefixed with
     * {@code "[name#id pid] "}. The default.
     *
     * @return the forwarding output.
     */
    public static Output forward()
    {
        return FORWARD;
    }

    /**
     * As {@link #forward()}, without the prefix: for children that write their own.
     *
     * @return the forwarding output without prefixes.
     */
    public static Output forwardUnprefixed()
    {
        return FORWARD_UNPREFIXED;
    }

    /**
     * The child's stdout to {@code <dir>/<name>-<id>.out} and its stderr to {@code <dir>/<name>-<id>.err}, written by
     * the child itself (no thread of the parent on the path). The directory is created if missing.
     *
     * @param dir the directory of the log files.
     * @return the output to files.
     */
    public static Output toDirectory(final Path dir)
    {
        if (null == dir)
        {
            throw new IllegalArgumentException("output directory must not be null");
        }

        return new Output(dir, false);
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

        return prefixed == that.prefixed && Objects.equals(directory, that.directory);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int hashCode()
    {
        return Objects.hash(directory, prefixed);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        if (null != directory)
        {
            return "toDirectory(" + directory + ")";
        }

        return prefixed ? "forward" : "forwardUnprefixed";
    }
}
