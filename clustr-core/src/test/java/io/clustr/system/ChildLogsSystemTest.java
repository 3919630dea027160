package io.clustr.system;

import io.clustr.WorkerHandle;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.Output;
import io.clustr.spawn.RespawnPolicy;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.output;
import static io.clustr.spawn.SpawnOption.respawn;
import static io.clustr.spawn.Spec.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker's own clustr lines go through System.Logger (one line each in a spawned JVM) and still make its exit
 * reason; with {@link Output#toFiles} they land, timestamped, in its rotated log files.
 */
@InterruptAfter(60)
class ChildLogsSystemTest
{
    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private ClusterFixture cluster;

    @BeforeEach
    void startCluster()
    {
        cluster = new ClusterFixture(watcher);
    }

    @AfterEach
    void stopCluster()
    {
        cluster.close();
    }

    @Test
    void shouldSayWhoEndedAWorkerInItsExitReason() throws Exception
    {
        final WorkerHandle worker = cluster.spawnReady(
            spec(TestWorker.class.getName(), args("web", "ready"), respawn(RespawnPolicy.never()))).get(0);

        final ExitStatus status = cluster.master.killWorker(worker.id(), 42).get(30, TimeUnit.SECONDS);

        assertEquals(42, status.code());
        assertTrue(status.reason().startsWith("exit code 42: "), status.reason());
        assertTrue(status.reason().contains(
            "WARNING: clustr: node " + worker.id() + " (web) is exiting with code 42: killed by node 0"),
            status.reason());
    }

    @Test
    void shouldWriteAWorkersLinesToItsLogFiles(@TempDir final Path dir) throws Exception
    {
        final WorkerHandle worker = cluster.spawnReady(spec(TestWorker.class.getName(), args("web", "ready"),
            output(Output.toFiles(dir, 64 * 1024, 1)), respawn(RespawnPolicy.never()))).get(0);

        final ExitStatus status = cluster.master.killWorker(worker.id(), 7).get(30, TimeUnit.SECONDS);

        final String exiting =
            "WARNING: clustr: node " + worker.id() + " (web) is exiting with code 7: killed by node 0";
        assertTrue(status.reason().contains(exiting), status.reason());
        final Path errLog = dir.resolve(TestWorker.class.getSimpleName() + "-" + worker.id() + ".err.log");
        final List<String> lines = Files.readAllLines(errLog);
        final Pattern stamped =
            Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} " + Pattern.quote(exiting));
        assertTrue(lines.stream().anyMatch((line) -> stamped.matcher(line).matches()), lines::toString);
    }
}
