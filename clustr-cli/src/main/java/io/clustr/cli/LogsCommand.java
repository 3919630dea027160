package io.clustr.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code clustr logs [NAME] [-f]}: the last lines of the log files of the clusters' children, and with {@code -f}
 * what they write from then on, rotations and new children included.
 */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
        "Shows the last lines of the log files of the children of this host's clusters (written by " +
            "Output.toFiles or Output.toDirectory), and follows them with -f. The directories are found from the " +
            "files the clusters' live processes hold open (/proc/<pid>/fd), or given with --dir."
    })
final class LogsCommand implements Callable<Integer>
{
    private static final long FOLLOW_POLL_MS = 200;
    private static final long RESCAN_MS = 1000;
    private static final int MAX_TAIL_BYTES = 1024 * 1024;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME",
        description = "A child's name (its spec's name), its node id, or name-id; default: every child.")
    private String selector;

    @Option(names = { "-f", "--follow" }, description = "Keep printing what the files get, until Ctrl-C.")
    private boolean follow;

    @Option(names = { "-n", "--lines" }, paramLabel = "N", description = "Lines of each file to show first " +
        "(default: ${DEFAULT-VALUE}).")
    private int lines = 10;

    @Option(names = "--dir", paramLabel = "DIR", description = "A log directory to read (repeatable) instead of " +
        "the ones the clusters have open.")
    private List<Path> logDirectories = new ArrayList<>();

    @Option(names = "--aeron-dir", paramLabel = "DIR", description = "A driver directory whose nodes to look at " +
        "(repeatable); default: every one found on the host.")
    private List<Path> driverDirectories = new ArrayList<>();

    @Option(names = "--err", description = "Only the stderr files.")
    private boolean errOnly;

    private final Charset charset = Charset.defaultCharset();
    private final Map<Path, Position> positions = new HashMap<>();
    private Path lastPrinted;

    private record Position(Object fileKey, long offset)
    {
    }

    @Override
    public Integer call()
    {
        if (lines < 0)
        {
            throw new CliException("--lines must be 0 or more, not " + lines);
        }

        final PrintWriter out = spec.commandLine().getOut();
        final Set<Path> directories = directories();
        List<LogFiles.LogFile> files = select(LogFiles.in(directories), directories);
        for (final LogFiles.LogFile file : files)
        {
            printTail(out, file.path());
        }
        out.flush();

        if (!follow)
        {
            return 0;
        }

        long lastScanMs = System.currentTimeMillis();
        while (!Thread.currentThread().isInterrupted())
        {
            try
            {
                Thread.sleep(FOLLOW_POLL_MS);
            }
            catch (final InterruptedException ex)
            {
                // how a caller in the same JVM stops following (Ctrl-C ends the JVM)
                break;
            }
            final long nowMs = System.currentTimeMillis();
            if (nowMs - lastScanMs >= RESCAN_MS)
            {
                lastScanMs = nowMs;
                if (logDirectories.isEmpty())
                {
                    directories.addAll(LogFiles.directoriesOf(Clusters.read(driverDirectories)));
                }
                files = LogFiles.in(directories).stream()
                    .filter((f) -> f.matches(selector) && (!errOnly || "err".equals(f.stream())))
                    .collect(Collectors.toList());
            }

            for (final LogFiles.LogFile file : files)
            {
                printNew(out, file.path());
            }
            out.flush();
        }

        return 0;
    }

    private Set<Path> directories()
    {
        if (!logDirectories.isEmpty())
        {
            for (final Path dir : logDirectories)
            {
                if (!Files.isDirectory(dir))
                {
                    throw new CliException("log directory " + dir + " does not exist or is not a directory");
                }
            }
            return new TreeSet<>(logDirectories);
        }

        final Set<Path> found = LogFiles.directoriesOf(Clusters.read(driverDirectories));
        if (found.isEmpty() && !follow)
        {
            throw new CliException("no live clustr node of this host has a log file open: spawn with " +
                "output(Output.toFiles(dir, maxBytes, keep)) for log files, or name the directory with --dir DIR");
        }

        return found;
    }

    private List<LogFiles.LogFile> select(final List<LogFiles.LogFile> all, final Set<Path> directories)
    {
        final List<LogFiles.LogFile> selected = all.stream()
            .filter((f) -> f.matches(selector) && (!errOnly || "err".equals(f.stream())))
            .collect(Collectors.toList());
        if (selected.isEmpty() && null != selector && !follow)
        {
            final Set<String> names = new LinkedHashSet<>();
            all.forEach((f) -> names.add(f.name()));
            throw new CliException("no log file of '" + selector + "' in " + directories + "; there are " +
                (names.isEmpty() ? "none" : "files of " + String.join(", ", names)) +
                " (give a name, a node id or name-id)");
        }

        return selected;
    }

    private void printTail(final PrintWriter out, final Path path)
    {
        header(out, path);
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r"))
        {
            final long length = file.length();
            final int toRead = (int)Math.min(length, MAX_TAIL_BYTES);
            final byte[] bytes = new byte[toRead];
            file.seek(length - toRead);
            file.readFully(bytes);
            positions.put(path, new Position(fileKey(path), length));

            final String text = new String(bytes, charset);
            final List<String> all = new ArrayList<>(List.of(text.split("\n", -1)));
            if (!all.isEmpty() && all.get(all.size() - 1).isEmpty())
            {
                all.remove(all.size() - 1);
            }
            if (toRead < length && !all.isEmpty())
            {
                all.remove(0);
            }
            for (final String line : all.subList(Math.max(0, all.size() - lines), all.size()))
            {
                out.println(line);
            }
        }
        catch (final IOException ex)
        {
            out.println("(cannot read " + path + ": " + ex.getMessage() + ")");
        }
    }

    private void printNew(final PrintWriter out, final Path path)
    {
        final Object key = fileKey(path);
        if (null == key)
        {
            return;
        }

        Position position = positions.get(path);
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r"))
        {
            final long length = file.length();
            if (null == position || !Objects.equals(position.fileKey(), key) || length < position.offset())
            {
                // a new file, or rotated: first the end of the file it was rotated to, then this one from its start
                if (null != position)
                {
                    printRotatedRest(out, path, position);
                }
                position = new Position(key, 0);
            }

            // whole lines only: a line being written is printed once its newline is there
            final long available = Math.min(length - position.offset(), MAX_TAIL_BYTES);
            if (available <= 0)
            {
                positions.put(path, position);
                return;
            }

            final byte[] bytes = new byte[(int)available];
            file.seek(position.offset());
            file.readFully(bytes);
            int end = bytes.length;
            while (end > 0 && '\n' != bytes[end - 1])
            {
                end--;
            }
            if (0 == end && bytes.length < MAX_TAIL_BYTES)
            {
                positions.put(path, position);
                return;
            }
            end = 0 == end ? bytes.length : end;

            header(out, path);
            out.print(new String(bytes, 0, end, charset));
            if ('\n' != bytes[end - 1])
            {
                out.println();
            }
            positions.put(path, new Position(key, position.offset() + end));
        }
        catch (final IOException ex)
        {
            // rotated away between the listing and the read: the next poll reads the new file
        }
    }

    private void printRotatedRest(final PrintWriter out, final Path path, final Position position)
    {
        final Path rotated = path.resolveSibling(path.getFileName() + ".1");
        if (!Objects.equals(position.fileKey(), fileKey(rotated)))
        {
            return;
        }

        try (RandomAccessFile file = new RandomAccessFile(rotated.toFile(), "r"))
        {
            final long rest = Math.min(file.length() - position.offset(), MAX_TAIL_BYTES);
            if (rest > 0)
            {
                final byte[] bytes = new byte[(int)rest];
                file.seek(position.offset());
                file.readFully(bytes);
                header(out, path);
                out.print(new String(bytes, charset));
            }
        }
        catch (final IOException ex)
        {
            // rotated further already: those lines are in the older files
        }
    }

    private void header(final PrintWriter out, final Path path)
    {
        if (!path.equals(lastPrinted))
        {
            if (null != lastPrinted)
            {
                out.println();
            }
            out.println("==> " + path + " <==");
            lastPrinted = path;
        }
    }

    private static Object fileKey(final Path path)
    {
        try
        {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
