package io.clustr.cli;

import io.clustr.ClustrException;
import io.clustr.LifecycleListener;
import io.clustr.Master;
import io.clustr.MasterOption;
import io.clustr.Node;
import io.clustr.Options;
import io.clustr.Readiness;
import io.clustr.WorkerHandle;
import io.clustr.spawn.ExitStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code clustr run FILE}: a master in this process runs the cluster a cluster file describes ({@link ClusterFile}),
 * until it is stopped: Ctrl-C or SIGTERM closes the master, which stops every worker (kill hooks, then SIGKILL after
 * the kill grace) and deletes the driver directory it made; {@code clustr kill 0} does the same. Prints, with
 * timestamps, each worker's fork, readiness and exit, and the master's group operations ({@code clustr reload},
 * {@code clustr scale}).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
        "Runs a cluster from a cluster file (docs/operations.md: the format) until Ctrl-C or SIGTERM, which stop " +
            "every worker and remove the driver directory."
    })
final class RunCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The cluster file.")
    private Path file;

    @Option(names = "--check", description = "Check the file and print the workers it starts, then exit.")
    private boolean check;

    @Override
    public Integer call() throws InterruptedException
    {
        final ClusterFile cluster = ClusterFile.read(file);
        final PrintWriter out = spec.commandLine().getOut();
        if (check)
        {
            printPlan(cluster, out);
            return 0;
        }

        if (!cluster.classPath.isEmpty())
        {
            // the children's class path: the supervisor reads it when the master first spawns
            System.setProperty("java.class.path", String.join(File.pathSeparator, cluster.classPath) +
                File.pathSeparator + System.getProperty("java.class.path"));
        }

        final Master master;
        try
        {
            master = Master.create(options(cluster));
        }
        catch (final ClustrException ex)
        {
            throw new CliException("could not start the master: " + ex.getMessage());
        }

        try
        {
            return run(cluster, master, out);
        }
        finally
        {
            master.close();
        }
    }

    private int run(final ClusterFile cluster, final Master master, final PrintWriter out) throws InterruptedException
    {
        print(out, "master pid " + ProcessHandle.current().pid() + ", " +
            (master.hasEmbeddedDriver() ? "embedded driver in " : "attached to the driver in ") +
            master.aeronDirectoryName() + "; Ctrl-C or SIGTERM stops the cluster");

        final Map<String, Readiness> readiness = new HashMap<>();
        final List<io.clustr.spawn.Spec> specs = new ArrayList<>();
        for (final ClusterFile.WorkerSpec worker : cluster.workers)
        {
            if (!worker.command())
            {
                master.readiness(worker.group(), worker.readiness());
                readiness.put(worker.group(), worker.readiness());
            }
            specs.addAll(worker.specs());
        }

        master.onLifecycle(new Printer(master, out, readiness, specs.size()));
        try
        {
            master.spawn(specs);
        }
        catch (final RuntimeException ex)
        {
            throw new CliException("could not start the workers of " + cluster.path + ": " + ex.getMessage());
        }

        master.awaitTermination();
        print(out, "stopped");
        return 0;
    }

    private static MasterOption[] options(final ClusterFile cluster)
    {
        final List<MasterOption> options = new ArrayList<>();
        if (ClusterFile.STANDALONE.equals(cluster.driver))
        {
            options.add(Options.embeddedDriver(false));
        }
        if (null != cluster.directory)
        {
            options.add(Options.aeronDirectory(cluster.directory));
        }
        if (null != cluster.driverProfile)
        {
            options.add(Options.driverProfile(cluster.driverProfile));
        }
        if (null != cluster.killGrace)
        {
            options.add(Options.killGrace(cluster.killGrace));
        }

        return options.toArray(new MasterOption[0]);
    }

    private static void printPlan(final ClusterFile cluster, final PrintWriter out)
    {
        out.println(cluster.path + ": " + cluster.driver + " driver" +
            (null == cluster.directory ? "" : " in " + cluster.directory));
        for (final ClusterFile.WorkerSpec worker : cluster.workers)
        {
            out.println("  " + worker.key() + ": " + worker.specs().size() + " x group " + worker.group() +
                ", ready " + worker.readiness() + " within " + worker.readiness().timeout().toSeconds() + " s: " +
                worker.specs().get(0));
        }
        out.flush();
    }

    private static String who(final WorkerHandle worker)
    {
        return worker.spec().name() + "#" + worker.id() + " (pid " + worker.pid() + ")";
    }

    static void print(final PrintWriter out, final String line)
    {
        synchronized (out)
        {
            out.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " clustr run: " + line);
            out.flush();
        }
    }

    /**
     * Prints the lifecycle, and each worker's readiness (every fork, respawns and replacements included): "cluster
     * ready" once as many workers are ready as the file starts.
     */
    private static final class Printer implements LifecycleListener
    {
        private final Master master;
        private final PrintWriter out;
        private final Map<String, Readiness> readiness;
        private final AtomicInteger pending;
        private final int count;

        Printer(final Master master, final PrintWriter out, final Map<String, Readiness> readiness, final int count)
        {
            this.master = master;
            this.out = out;
            this.readiness = readiness;
            this.count = count;
            this.pending = new AtomicInteger(count);
        }

        @Override
        public void onFork(final WorkerHandle worker)
        {
            print(out, who(worker) + " started" + (worker.restarts() > 0 ? " (restart " + worker.restarts() + ")" :
                ""));
            final Readiness ready = worker.spec().isCommand() ? null :
                readiness.get(worker.spec().env().get(Node.GROUP_ENV));
            if (null == ready)
            {
                onReady();
                return;
            }
            master.whenReady(worker, ready).whenComplete((handle, ex) ->
            {
                if (null == ex)
                {
                    print(out, who(worker) + " ready (" + ready + ")");
                    onReady();
                }
                else
                {
                    print(out, who(worker) + " not ready: " + ex.getMessage());
                }
            });
        }

        private void onReady()
        {
            if (0 == pending.decrementAndGet())
            {
                print(out, "cluster ready: " + count + " workers");
            }
        }

        @Override
        public void onExit(final WorkerHandle worker, final ExitStatus status, final boolean respawning)
        {
            print(out, who(worker) + " exited: " + status.reason() + (respawning ? "; respawning" : ""));
        }

        @Override
        public void onRespawnGaveUp(final WorkerHandle lastWorker, final String reason)
        {
            print(out, who(lastWorker) + ": respawn given up: " + reason);
        }

        @Override
        public void onOperationStarted(final String operation, final String requestedBy)
        {
            print(out, operation + ": started, asked by " + requestedBy);
        }

        @Override
        public void onOperationDone(
            final String operation, final String requestedBy, final boolean succeeded, final String outcome)
        {
            print(out, outcome);
        }
    }
}
