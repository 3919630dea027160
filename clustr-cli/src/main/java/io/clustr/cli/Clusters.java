package io.clustr.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the clusters of the host (or of the directories named) once: each directory's driver file is mapped, read
 * and unmapped; a directory that cannot be read is kept with the reason, so a listing shows it rather than failing.
 */
final class Clusters
{
    /**
     * A directory read, or why it could not be.
     *
     * @param directory the driver directory.
     * @param view      what its counters say, or null.
     * @param problem   why it could not be read, or null.
     */
    record Entry(Path directory, ClusterView view, String problem)
    {
    }

    private Clusters()
    {
    }

    static List<Entry> read(final List<Path> explicitDirectories)
    {
        final List<Entry> entries = new ArrayList<>();
        for (final Path directory : DriverDirectories.find(explicitDirectories))
        {
            try (DriverFile file = DriverFile.open(directory))
            {
                entries.add(new Entry(directory, ClusterView.read(file), null));
            }
            catch (final RuntimeException ex)
            {
                entries.add(new Entry(directory, null, String.valueOf(ex.getMessage())));
            }
        }

        return entries;
    }
}
