package io.clustr.cli;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import io.clustr.Node;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the media driver directories of the host that may hold a clustr cluster, without being told one: under
 * {@code /dev/shm} (and {@code java.io.tmpdir}, where a master falls back when {@code /dev/shm} is not writable) every
 * {@code clustr-*} directory's {@code driver} subdirectory (a master's embedded driver,
 * {@code clustr-<pid>-<random>/driver}) and the directory itself (one given with {@code aeronDirectory(dir)}), the
 * directory in {@code CLUSTR_AERON_DIR} if set, and Aeron's default directory ({@code aeron.dir},
 * {@code /dev/shm/aeron-<user>}: a standalone driver), each only if it holds a {@code cnc.dat}.
 */
final class DriverDirectories
{
    static final String PREFIX = "clustr-";

    private DriverDirectories()
    {
    }

    /**
     * @param explicit directories named on the command line: if not empty, only these (checked, not filtered).
     * @return the directories, each once, scanned ones sorted by name.
     */
    static List<Path> find(final List<Path> explicit)
    {
        if (!explicit.isEmpty())
        {
            return explicit;
        }

        final Set<Path> found = new LinkedHashSet<>();
        scan(Path.of("/dev/shm"), found);
        scan(Path.of(System.getProperty("java.io.tmpdir")), found);
        final String fromEnv = System.getenv(Node.AERON_DIR_ENV);
        if (null != fromEnv && !fromEnv.isBlank())
        {
            addIfDriver(Path.of(fromEnv), found);
        }
        addIfDriver(Path.of(CommonContext.getAeronDirectoryName()), found);

        return new ArrayList<>(found);
    }

    private static void scan(final Path parent, final Set<Path> found)
    {
        if (!Files.isDirectory(parent))
        {
            return;
        }

        final List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(parent, PREFIX + "*"))
        {
            for (final Path dir : stream)
            {
                dirs.add(dir);
            }
        }
        catch (final IOException ex)
        {
            return; // not readable: nothing to list there
        }
        dirs.sort(null);
        for (final Path dir : dirs)
        {
            // A master's own directory holds its driver in a subdirectory (io.clustr.DriverDirectories); directories
            // given with aeronDirectory(dir) hold it at the top.
            addIfDriver(dir.resolve(io.clustr.DriverDirectories.DRIVER_SUBDIRECTORY), found);
            addIfDriver(dir, found);
        }
    }

    private static void addIfDriver(final Path dir, final Set<Path> found)
    {
        if (Files.isRegularFile(dir.resolve(CncFileDescriptor.CNC_FILE)))
        {
            found.add(dir.toAbsolutePath().normalize());
        }
    }
}
