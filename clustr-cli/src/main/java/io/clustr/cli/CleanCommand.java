package io.clustr.cli;

import io.clustr.DriverDirectories;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code clustr clean}: lists the media driver directories that dead masters left behind, and removes them with
 * {@code --remove}. A directory is stale only when its master, its driver and the driver's heartbeat are all gone
 * ({@link DriverDirectories}); one a live process uses is never touched. A master removes them too when it starts.
 */
@Command(
    name = "clean",
    mixinStandardHelpOptions = true,
    description = {
        "Lists the media driver directories of dead masters (clustr-<pid>-<random>, left by a master that was " +
            "killed), or removes them with --remove. Never one that a live master or driver uses."
    })
final class CleanCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--remove", description = "Remove the stale directories (default: only list them).")
    private boolean remove;

    @Option(names = "--base", paramLabel = "DIR",
        description = "Where masters put their directories; default: /dev/shm, or java.io.tmpdir without it.")
    private Path base;

    @Override
    public Integer call()
    {
        final Path in = null == base ? DriverDirectories.defaultBase() : base;
        if (!Files.isDirectory(in))
        {
            throw new CliException(in + " is not a directory: give --base the directory masters put theirs in " +
                "(default " + DriverDirectories.defaultBase() + ")");
        }

        final PrintWriter out = spec.commandLine().getOut();
        final List<DriverDirectories.Stale> stale =
            remove ? DriverDirectories.removeStale(in) : DriverDirectories.findStale(in);
        long bytes = 0;
        for (final DriverDirectories.Stale directory : stale)
        {
            out.println((remove ? "removed " : "stale   ") + directory.describe());
            bytes += directory.sizeBytes();
        }
        if (stale.isEmpty())
        {
            out.println("no stale clustr media driver directories in " + in);
        }
        else if (!remove)
        {
            out.println(stale.size() + " stale, " + (bytes >> 20) + " MiB: clustr clean --remove removes them");
        }
        out.flush();

        return 0;
    }
}
