package io.clustr.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the log files of the children of this host's clusters: the files {@code Output.toFiles} writes
 * ({@code <name>-<id>.out.log}, {@code .err.log}, held open by the process that spawned the child) and those
 * {@code Output.toDirectory} has the child write ({@code <name>-<id>.out}, {@code .err}, held open by the child).
 * Every live node of every cluster is looked at: the files its {@code /proc/<pid>/fd} links point to name the
 * directories, and every log file in those directories is listed, those of children that have exited included.
 */
final class LogFiles
{
    private static final Pattern LOG_FILE = Pattern.compile("^(.+)-(\\d+)\\.(out|err)(\\.log)?$");

    /**
     * One log file of a child (rotated files, {@code .1} and up, are not listed).
     *
     * @param path   the file.
     * @param name   the spec's name.
     * @param id     the node id of the child.
     * @param stream {@code out} or {@code err}.
     */
    record LogFile(Path path, String name, long id, String stream)
    {
        String label()
        {
            return name + "-" + id + " " + stream;
        }

        boolean matches(final String selector)
        {
            return null == selector || selector.equals(name) || selector.equals(Long.toString(id)) ||
                selector.equals(name + "-" + id);
        }
    }

    private LogFiles()
    {
    }

    /**
     * The directories holding log files that the live nodes of the clusters found have open.
     *
     * @param clusters the clusters to look at.
     * @return the directories, sorted.
     */
    static Set<Path> directoriesOf(final List<Clusters.Entry> clusters)
    {
        final Set<Path> directories = new TreeSet<>();
        for (final Clusters.Entry entry : clusters)
        {
            if (null == entry.view() || !entry.view().isDriverAlive)
            {
                continue;
            }

            for (final NodeView node : entry.view().nodes)
            {
                addOpenLogDirectories(node.pid, directories);
            }
        }

        return directories;
    }

    /**
     * The log files in the directories, sorted by name, id and stream.
     *
     * @param directories where to look.
     * @return the files.
     */
    static List<LogFile> in(final Set<Path> directories)
    {
        final List<LogFile> files = new ArrayList<>();
        for (final Path directory : directories)
        {
            try (Stream<Path> list = Files.list(directory))
            {
                list.forEach((path) ->
                {
                    final LogFile file = parse(path);
                    if (null != file && Files.isRegularFile(path))
                    {
                        files.add(file);
                    }
                });
            }
            catch (final IOException ex)
            {
                // gone or not readable: nothing to show from it
            }
        }
        files.sort(Comparator.comparing(LogFile::name).thenComparingLong(LogFile::id)
            .thenComparing(LogFile::stream, Comparator.reverseOrder()).thenComparing(LogFile::path));

        return files;
    }

    static LogFile parse(final Path path)
    {
        final Matcher matcher = LOG_FILE.matcher(path.getFileName().toString());
        if (!matcher.matches())
        {
            return null;
        }

        try
        {
            return new LogFile(path, matcher.group(1), Long.parseLong(matcher.group(2)), matcher.group(3));
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    private static void addOpenLogDirectories(final long pid, final Set<Path> directories)
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd")))
        {
            fds.forEach((fd) ->
            {
                try
                {
                    final Path target = Files.readSymbolicLink(fd);
                    if (target.isAbsolute() && null != parse(target) && null != target.getParent())
                    {
                        directories.add(target.getParent());
                    }
                }
                catch (final IOException | UnsupportedOperationException ex)
                {
                    // closed meanwhile
                }
            });
        }
        catch (final IOException ex)
        {
            // gone, or another user's process
        }
    }
}
