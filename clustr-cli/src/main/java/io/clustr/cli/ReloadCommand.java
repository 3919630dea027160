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
 * {@code clustr reload GROUP}: asks the cluster's master for a rolling restart of a group
 * ({@code Master.reload(group)}) through its media driver, and prints the master's answers.
 */
@Command(
    name = "reload",
    mixinStandardHelpOptions = true,
    description = {
        "Rolling restart of GROUP by its master: each worker's replacement is started and must be ready (the " +
            "group's readiness, e.g. a confirmation, within its timeout) before the old one is asked to exit; a " +
            "replacement not ready in time is stopped and the old one kept. Exits 1 if the master reports a failure."
    })
final class ReloadCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "GROUP", description = "The group to restart.")
    private String group;

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
        final Path cluster = OperatorClient.findCluster(directory, group);
        return OperatorClient.request(cluster,
            null == controlStreamId ? Configuration.controlStreamId() : controlStreamId,
            "reload", true, group, 0, timeoutS * 1000, spec.commandLine().getOut());
    }
}
