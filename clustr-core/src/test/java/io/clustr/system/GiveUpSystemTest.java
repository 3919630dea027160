package io.clustr.system;

import io.clustr.ClustrException;
import io.clustr.Confirmation;
import io.clustr.SpawnGaveUpException;
import io.clustr.WorkerHandle;
import io.clustr.spawn.RespawnPolicy;
import io.clustr.spawn.Supervisor;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.clustr.spawn.SpawnOption.respawn;
import static io.clustr.spawn.Spec.spec;
import static io.clustr.system.ClusterFixture.worker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A spec whose crash-loop budget runs out, through real processes: by default the master is told at once and what
 * waits on that spec's readiness fails, naming the spec and its last exit; with an escalating policy the master
 * exits with the policy's code, as an OTP supervisor does when its restart intensity is exceeded.
 */
@InterruptAfter(90)
class GiveUpSystemTest
{
    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    @Test
    void shouldFailTheReadinessWaitOfACrashLoopingSpecAndKeepTheMasterRunning() throws Exception
    {
        try (ClusterFixture cluster = new ClusterFixture(watcher))
        {
            final SupervisionSystemTest.Events events = new SupervisionSystemTest.Events();
            cluster.master.onLifecycle(events);
            final CompletableFuture<List<Confirmation>> both = cluster.master.awaitConfirmations(2, "ready");
            final CompletableFuture<List<Confirmation>> one = cluster.master.awaitConfirmations(1, "ready");
            final List<String> eventsWhenFailed = new CopyOnWriteArrayList<>();
            // completes once the action ran (get() on 'both' itself may return before it has)
            final CompletableFuture<List<Confirmation>> observed =
                both.whenComplete((confirmations, ex) -> eventsWhenFailed.addAll(events.all()));

            final RespawnPolicy policy = RespawnPolicy.onFailure()
                .minInterval(Duration.ofMillis(100))
                .backoff(Duration.ofMillis(400))
                .crashLoop(3, Duration.ofSeconds(30));
            final long spawnNs = System.nanoTime();
            final List<WorkerHandle> workers = cluster.master.spawn(List.of(
                worker("web"), spec(CrashingWorker.class.getName(), respawn(policy))));

            final ExecutionException failed = assertThrows(ExecutionException.class,
                () -> observed.get(ClusterFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            System.out.println("GiveUpSystemTest: the readiness wait failed " +
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - spawnNs) + " ms after the spawn");
            final SpawnGaveUpException gaveUp = assertInstanceOf(SpawnGaveUpException.class, failed.getCause());
            final String message = gaveUp.getMessage();
            assertTrue(message.startsWith("the wait for 2 'ready' confirmations ("), message);
            assertTrue(message.contains("cannot complete: spec CrashingWorker (last worker "), message);
            assertTrue(message.contains("crash loop: 3 deaths within 30000 ms (budget 3)"), message);
            assertTrue(message.contains("last exit: exit code 1: crashing on purpose: no config file"), message);
            assertEquals("CrashingWorker", gaveUp.specName());
            assertEquals(1, gaveUp.lastExit().code());
            assertTrue(eventsWhenFailed.contains("gave-up " + gaveUp.lastWorkerId()),
                "the lifecycle event comes first: " + eventsWhenFailed);
            assertEquals(3, events.count("fork") - 1, "the web worker and 3 incarnations: " + events.all());

            // the web worker's readiness was not the crashing spec's: its wait completed
            final List<Confirmation> webReady = one.get(ClusterFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(workers.get(0).id(), webReady.get(0).senderId());

            assertFalse(cluster.master.isClosed(), "by default the master keeps running");
            cluster.spawnReady(worker("cache"));

            final CompletableFuture<List<Confirmation>> never = cluster.master.awaitConfirmations(1, "never");
            cluster.master.close();
            final ExecutionException closed = assertThrows(ExecutionException.class,
                () -> never.get(ClusterFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertInstanceOf(ClustrException.class, closed.getCause());
            assertTrue(closed.getCause().getMessage().contains("the master has closed"), closed.getMessage());
        }
    }

    @Test
    void shouldExitTheMasterWithTheEscalationCodeWhenTheBudgetIsSpent() throws Exception
    {
        final String dir = "/dev/shm/clustr-test-escalate-" + ProcessHandle.current().pid();
        final Process master = new ProcessBuilder(javaCommand(CrashLoopMaster.class.getName(), dir))
            .redirectErrorStream(true)
            .start();
        try
        {
            final List<String> output = new CopyOnWriteArrayList<>();
            final Thread reader = drain(master, output);
            Tests.await(() -> output.stream().anyMatch((line) -> line.startsWith("PIDS ")), ClusterFixture.TIMEOUT,
                () -> "the master printed PIDS: " + output);
            watcher.watch(dir);
            final List<Long> pids = output.stream().filter((line) -> line.startsWith("PIDS ")).findFirst()
                .map((line) -> Stream.of(line.substring(5).split(" ")).map(Long::parseLong)
                .collect(Collectors.toList())).orElseThrow();

            assertTrue(master.waitFor(ClusterFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                "the master exits by itself: " + output);
            reader.join(TimeUnit.SECONDS.toMillis(10));
            assertEquals(CrashLoopMaster.ESCALATION_EXIT_CODE, master.exitValue(), output.toString());

            final int gaveUp = indexOf(output, "GAVE UP ");
            final int waitFailed = indexOf(output, "WAIT FAILED io.clustr.SpawnGaveUpException: the wait for 2 " +
                "'ready' confirmations");
            // a System.Logger line: java.util.logging's default format puts the level before the message
            final int exiting =
                indexOf(output, "WARNING: clustr: node 0 (master) is exiting with code 3: spec CrashingWorker");
            assertTrue(gaveUp >= 0 && waitFailed > gaveUp && exiting > waitFailed,
                "told, then the wait fails, then the master exits: " + output);
            assertTrue(output.get(exiting).contains("respawn policy escalates: crash loop: 2 deaths") &&
                output.get(exiting).contains("no config file"), output.get(exiting));

            Tests.await(() -> pids.stream().noneMatch((pid) -> ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                .orElse(false)), Duration.ofSeconds(5), () -> "children " + pids + " outlived the master");
            assertFalse(Files.exists(Path.of(dir)), "the master's driver directory is deleted on its exit");
        }
        finally
        {
            master.destroyForcibly();
            master.waitFor(10, TimeUnit.SECONDS);
            deleteRecursively(Path.of(dir));
        }
    }

    private static int indexOf(final List<String> lines, final String prefix)
    {
        for (int i = 0; i < lines.size(); i++)
        {
            if (lines.get(i).startsWith(prefix))
            {
                return i;
            }
        }

        return -1;
    }

    private static Thread drain(final Process process, final List<String> lines)
    {
        final Thread thread = new Thread(() ->
        {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream())))
            {
                String line;
                while (null != (line = reader.readLine()))
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignore)
            {
                // the process is gone
            }
        }, "drain-crash-loop-master");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    static List<String> javaCommand(final String mainClass, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Supervisor.Configuration.ADD_OPENS_JVM_ARGS);
        command.addAll(List.of("-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    static void deleteRecursively(final Path dir) throws IOException
    {
        if (Files.exists(dir))
        {
            try (Stream<Path> paths = Files.walk(dir))
            {
                for (final Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList()))
                {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
