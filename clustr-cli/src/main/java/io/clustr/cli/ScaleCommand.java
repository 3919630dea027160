package io.clustr.cli;

import io.clustr.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code clustr scale GROUP N}: asks the cluster's master to grow or shrink a group to N workers
 * ({@code Master.scale(group, n)}) through its media driver, and prints the master's answers.
 */
@Command(
    name = "scale",
    mixinStandardHelpOptions = true,
    description = {
        "Grows GROUP to N workers (from the spec its workers were spawned from, each waited for until ready) or " +
            "shrinks it (the newest asked to exit, not respawned). Exits 1 if the master reports a failure."
    })
final class ScaleCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "GROUP", description = "The group.")
    private String group;

    @Parameters(index = "1", paramLabel = "N", description = "How many workers the group should have, 0 or more.")
    private int count;

    @Option(names = "--dir", paramLabel = "DIR",
        description = "Driver directory of the cluster; default: the one cluster of this host with a master.")
    private Path directory;

    @Option(names = "--control-stream", paramLabel = "STREAM",
        description = "Stream id of the cluster's control stream. Default: clustr.control.stream.id or 100.")
    private Integer controlStreamId;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
        description = "How long to wait for the master to finish. Default: ${DEFAULT-VALUE}.")
    private long timeoutS;

    @Override
    public Integer call() throws InterruptedException
    {
        if (count < 0)
        {
            throw new CliException("N must be 0 or more, was " + count);
        }
        final Path cluster = OperatorClient.findCluster(directory, group);
        return OperatorClient.request(cluster,
            null == controlStreamId ? Configuration.controlStreamId() : controlStreamId,
            "scale", false, group, count, timeoutS * 1000, spec.commandLine().getOut());
    }
}
