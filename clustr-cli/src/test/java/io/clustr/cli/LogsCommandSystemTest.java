package io.clustr.cli;

import io.clustr.Master;
import io.clustr.Options;
import io.clustr.WorkerHandle;
import io.clustr.spawn.Output;
import io.clustr.spawn.RespawnPolicy;
import io.clustr.spawn.SpawnOption;
import io.clustr.spawn.Spec;
import io.clustr.system.TestWorker;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code clustr logs} against a real cluster: a master in this JVM whose two {@link TestWorker} JVMs write their output
 * to rotated files ({@link Output#toFiles}); the command finds the files from the master's open descriptors.
 */
@InterruptAfter(90)
class LogsCommandSystemTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    @TempDir
    Path logs;

    private final String aeronDir = new File("/dev/shm", "clustr-test-logs-" + UUID.randomUUID()).getPath();
    private final Set<Long> ready = ConcurrentHashMap.newKeySet();
    private Master master;
    private WorkerHandle first;
    private WorkerHandle second;

    @BeforeEach
    void startCluster()
    {
        master = Master.create(Options.aeronDirectory(aeronDir), Options.killGrace(Duration.ofSeconds(3)));
        watcher.watch(aeronDir);
        master.onConfirmation(1, "ready", (confirmations) -> ready.add(confirmations.get(0).senderId()));
        final Spec spec = Spec.spec(TestWorker.class.getName(), SpawnOption.name("logtest"),
            SpawnOption.args("web", "ready"), SpawnOption.output(Output.toFiles(logs, 4096, 2)),
            SpawnOption.respawn(RespawnPolicy.never()));
        final List<WorkerHandle> workers = master.spawn(List.of(spec, spec));
        first = workers.get(0);
        second = workers.get(1);
        for (final WorkerHandle worker : workers)
        {
            Tests.await(() -> ready.contains(worker.id()), TIMEOUT, () -> "worker " + worker.id() + " ready");
        }
    }

    @AfterEach
    void stopCluster()
    {
        if (null != master)
        {
            master.close();
        }
        assertFalse(new File(aeronDir).exists(), "driver directory left behind: " + aeronDir);
    }

    @Test
    void logsShowsTheFilesOfTheChildrenAndFollowsThem() throws Exception
    {
        assertEquals(3, master.killWorker(first.id(), 3).get(30, TimeUnit.SECONDS).code());

        // found without --dir: the master holds the second worker's files open
        final Result shown = run("logs", "logtest", "--aeron-dir", aeronDir);
        assertEquals(0, shown.exitCode, shown.err);
        final String firstErr = "==> " + logs.resolve("logtest-" + first.id() + ".err.log") + " <==";
        final String firstOut = "==> " + logs.resolve("logtest-" + first.id() + ".out.log") + " <==";
        assertTrue(shown.out.contains(firstErr), shown.out);
        assertTrue(shown.out.contains(firstOut), shown.out);
        assertTrue(shown.out.contains("==> " + logs.resolve("logtest-" + second.id() + ".err.log") + " <=="),
            shown.out);
        final String errPart = shown.out.substring(shown.out.indexOf(firstErr));
        assertTrue(errPart.contains("WARNING: clustr: node " + first.id() +
            " (web) is exiting with code 3: killed by node 0"), shown.out);
        assertTrue(shown.out.substring(shown.out.indexOf(firstOut)).contains(" kill hook ran with 3"), shown.out);

        // follow the second worker by its id, then kill it: its last lines arrive
        final StringWriter followed = new StringWriter();
        final AtomicInteger followExit = new AtomicInteger(-1);
        final Thread follower = new Thread(() ->
        {
            final CommandLine commandLine = ClustrCommand.commandLine();
            commandLine.setOut(new PrintWriter(followed, true));
            commandLine.setErr(new PrintWriter(followed, true));
            followExit.set(commandLine.execute("logs", "-f", Long.toString(second.id()), "--dir", logs.toString()));
        }, "clustr-logs-f");
        follower.start();
        try
        {
            final String secondErr = "==> " + logs.resolve("logtest-" + second.id() + ".err.log") + " <==";
            Tests.await(() -> followed.toString().contains(secondErr), TIMEOUT, () -> "header: " + followed);
            assertEquals(5, master.killWorker(second.id(), 5).get(30, TimeUnit.SECONDS).code());
            Tests.await(() -> followed.toString().contains(" kill hook ran with 5") &&
                followed.toString().contains("is exiting with code 5: killed by node 0"),
                TIMEOUT, () -> "the last lines of the second worker: " + followed);
            assertFalse(followed.toString().contains("logtest-" + first.id()), followed::toString);
        }
        finally
        {
            follower.interrupt();
            follower.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertEquals(0, followExit.get());
    }

    @Test
    void logsOfAnUnknownNameSaysWhichThereAre()
    {
        final Result result = run("logs", "nosuch", "--dir", logs.toString());

        assertEquals(1, result.exitCode);
        assertTrue(result.err.contains("no log file of 'nosuch'") && result.err.contains("logtest"), result.err);
    }

    private static Result run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = ClustrCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        final int exitCode = commandLine.execute(args);

        return new Result(exitCode, out.toString(), err.toString());
    }

    private record Result(int exitCode, String out, String err)
    {
    }
}
