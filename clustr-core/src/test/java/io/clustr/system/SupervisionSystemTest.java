package io.clustr.system;

import io.clustr.ClustrException;
import io.clustr.LifecycleListener;
import io.clustr.WorkerHandle;
import io.clustr.WorkerInfo;
import io.clustr.spawn.ChildState;
import io.clustr.spawn.CpuSet;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.RespawnPolicy;
import io.clustr.spawn.Supervisor;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.clustr.system.ClusterFixture.worker;
import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.command;
import static io.clustr.spawn.SpawnOption.cpu;
import static io.clustr.spawn.SpawnOption.respawn;
import static io.clustr.spawn.Spec.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Spawning, pinning, kill, respawn and supervision through real worker JVMs and commands.
 */
@InterruptAfter(60)
class SupervisionSystemTest
{
    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private ClusterFixture cluster;
    private final Events events = new Events();

    @BeforeEach
    void startCluster()
    {
        cluster = new ClusterFixture(watcher);
        cluster.master.onLifecycle(events);
    }

    @AfterEach
    void stopCluster()
    {
        cluster.close();
    }

    @Test
    void shouldSpawnExactlyOneProcessPerSpec()
    {
        final List<WorkerHandle> workers = cluster.spawnReady(
            worker("web"), worker("web"), worker("cache"), worker("batch"));

        assertEquals(4, workers.stream().map(WorkerHandle::pid).distinct().count());
        workers.forEach((w) -> assertTrue(ProcessHandle.of(w.pid()).map(ProcessHandle::isAlive).orElse(false)));
        final List<WorkerInfo> view = cluster.master.workers();
        assertEquals(4, view.size(), view.toString());
        view.forEach((w) -> assertEquals(ChildState.ONLINE, w.state(), w.toString()));
        assertEquals(workers.stream().map(WorkerHandle::id).sorted().collect(Collectors.toList()),
            view.stream().map(WorkerInfo::id).collect(Collectors.toList()));
        events.await("online", 4);
        assertEquals(4, events.count("fork"), events.all().toString());
        assertEquals(4, events.count("online"), events.all().toString());
    }

    @Test
    void shouldPinEveryThreadOfTheWorkerAndLockItsDutyCycleThread() throws IOException
    {
        assumeTrue(CpuSet.allowed().contains(1), "needs CPU 1");
        final WorkerHandle pinned = cluster.spawnReady(
            spec(TestWorker.class.getName(), args("web", "ready"), cpu(1))).get(0);

        final List<String> threads = threadAffinities(pinned.pid());
        assertTrue(threads.size() > 5, "a JVM has many threads: " + threads);
        threads.forEach((line) -> assertTrue(line.endsWith("\t1"), "not on CPU 1: " + line));

        final WorkerInfo info = cluster.master.workers().get(0);
        assertEquals("1", info.cpus());
        assertEquals(1, info.pinnedCpu(), "the duty-cycle thread holds the affinity lock on CPU 1");
        assertTrue(threads.stream().anyMatch((line) -> line.startsWith("clustr-web-" + pinned.id() + "\t")),
            "duty-cycle thread named clustr-web-" + pinned.id() + " in " + threads);
    }

    @Test
    void shouldKillWithTheRequestedExitCodeAndReportOneExit() throws Exception
    {
        final List<WorkerHandle> workers = cluster.spawnReady(
            spec(TestWorker.class.getName(), args("web", "ready"), respawn(RespawnPolicy.never())),
            worker("web"));
        final WorkerHandle victim = workers.get(0);
        final WorkerHandle sentinel = workers.get(1);

        final ExitStatus status = cluster.master.killWorker(victim.id(), 42).get(30, TimeUnit.SECONDS);
        assertEquals(42, status.code());
        assertEquals(0, status.signal());
        assertEquals(42, victim.onExit().get(10, TimeUnit.SECONDS).code());

        // the sentinel's exit is reported after any other exit event of the victim would have been
        assertEquals(0, cluster.master.killWorker(sentinel.id(), 0).get(30, TimeUnit.SECONDS).code());
        events.awaitEvent("exit " + sentinel.id() + " ");
        assertEquals(List.of("exit " + victim.id() + " 42 false", "exit " + sentinel.id() + " 0 false"),
            events.matching("exit"));
        assertFalse(cluster.master.workers().stream().anyMatch((w) -> w.id() == victim.id()));

        final ClustrException again = assertThrows(ClustrException.class,
            () -> cluster.master.killWorker(victim.id(), 1));
        assertTrue(again.getMessage().contains("already exited"), again.getMessage());
    }

    @Test
    void shouldLetAWorkerKillAnotherWorker() throws Exception
    {
        final List<WorkerHandle> workers = cluster.spawnReady(worker("web"), worker("cache"));
        final WorkerHandle killer = workers.get(0);
        final WorkerHandle victim = workers.get(1);

        cluster.master.publish(io.clustr.Channel.worker(killer.id()), "kill:" + victim.id() + ":0");
        assertEquals("killed|" + killer.id() + "|" + victim.id() + "|0",
            cluster.await((m) -> m.startsWith("killed|") || m.startsWith("kill-failed|")));

        cluster.master.publish(io.clustr.Channel.worker(killer.id()), "kill:999999:0");
        final String failure = cluster.await((m) -> m.startsWith("kill-failed|"));
        assertTrue(failure.contains("unknown worker id 999999"), failure);

        // the killer's own exit is the sentinel: the victim exited once, and nobody else did
        assertEquals(0, cluster.master.killWorker(killer.id(), 0).get(30, TimeUnit.SECONDS).code());
        events.awaitEvent("exit " + killer.id() + " ");
        assertEquals(List.of("exit " + victim.id() + " 0 false", "exit " + killer.id() + " 0 false"),
            events.matching("exit"));
    }

    @Test
    void shouldRespawnAfterFailureButNotAfterCleanExit() throws Exception
    {
        final RespawnPolicy fast = RespawnPolicy.onFailure().minInterval(Duration.ofMillis(100));
        final List<WorkerHandle> workers = cluster.spawnReady(
            spec(TestWorker.class.getName(), args("web", "ready"), respawn(fast)),
            spec(TestWorker.class.getName(), args("cache", "ready"), respawn(fast)));
        final WorkerHandle failing = workers.get(0);
        final WorkerHandle clean = workers.get(1);

        cluster.master.publish(io.clustr.Channel.worker(clean.id()), "exit:0");
        cluster.master.publish(io.clustr.Channel.worker(failing.id()), "exit:1");
        assertEquals(0, clean.onExit().get(10, TimeUnit.SECONDS).code());
        assertEquals(1, failing.onExit().get(10, TimeUnit.SECONDS).code());

        final WorkerHandle replacement = events.awaitOnline((w) -> w.restarts() == 1);
        assertNotEquals(failing.id(), replacement.id());
        assertEquals(failing.spec(), replacement.spec());
        assertEquals("web", cluster.master.workers().stream().filter((w) -> w.id() == replacement.id())
            .findFirst().orElseThrow().group());

        // a respawn of the clean worker, or a second one of the failing worker, would fork before this sentinel
        final WorkerHandle sentinel = cluster.spawnReady(worker("sentinel")).get(0);
        events.awaitEvent("fork " + sentinel.id());
        final List<String> forks = events.matching("fork");
        assertEquals(4, forks.size(), "two first forks, one respawn and the sentinel: " + events.all());
        assertEquals("fork " + sentinel.id(), forks.get(3), events.all().toString());
        assertTrue(events.matching("exit").contains("exit " + failing.id() + " 1 true"), events.all().toString());
        assertTrue(events.matching("exit").contains("exit " + clean.id() + " 0 false"), events.all().toString());
    }

    @Test
    void shouldThrottleACrashLoopThenGiveUpAndKeepRunning()
    {
        final RespawnPolicy policy = RespawnPolicy.onFailure()
            .minInterval(Duration.ofMillis(200))
            .backoff(Duration.ofSeconds(1))
            .crashLoop(3, Duration.ofSeconds(30));
        cluster.master.spawn(List.of(spec(CrashingWorker.class.getName(), respawn(policy))));

        events.await("gave-up", 1);
        final List<Long> forkTimes = events.times("fork");
        assertEquals(3, forkTimes.size(), events.all().toString());
        for (int i = 1; i < forkTimes.size(); i++)
        {
            final long gapMs = TimeUnit.NANOSECONDS.toMillis(forkTimes.get(i) - forkTimes.get(i - 1));
            assertTrue(gapMs >= 200, "forks at least the min interval apart: " + gapMs + " ms");
        }
        events.matching("exit").forEach((e) -> assertTrue(e.endsWith(" 1 true") || e.endsWith(" 1 false"), e));
        assertTrue(events.reasons().stream().anyMatch((r) -> r.contains("no config file")), events.reasons()
            .toString());

        cluster.spawnReady(worker("web"));
        assertFalse(cluster.master.isClosed());
    }

    @Test
    void shouldSuperviseCommandChildren() throws Exception
    {
        final RespawnPolicy once = RespawnPolicy.onFailure().minInterval(Duration.ofMillis(100))
            .crashLoop(2, Duration.ofSeconds(30));
        final List<WorkerHandle> children = cluster.master.spawn(List.of(
            spec("fails", command("bash", "-c", "echo starting; echo broken >&2; exit 3"), respawn(once)),
            spec("sleeper", command("sleep", "600"))));

        assertEquals(3, children.get(0).onExit().get(10, TimeUnit.SECONDS).code());
        events.await("gave-up", 1);
        assertEquals(2, events.matching("exit").stream().filter((e) -> e.endsWith(" 3 true") ||
            e.endsWith(" 3 false")).count(), events.all().toString());
        assertTrue(events.reasons().stream().anyMatch((r) -> r.contains("broken")), events.reasons().toString());

        final WorkerHandle sleeper = children.get(1);
        final ExitStatus killed = cluster.master.killWorker(sleeper.id(), 0).get(30, TimeUnit.SECONDS);
        assertEquals(15, killed.signal(), "a command cannot read the kill frame: it gets SIGTERM");
    }

    @Test
    void shouldRejectBadSpecs() throws Exception
    {
        final IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
            () -> cluster.master.spawn(List.of()));
        assertTrue(empty.getMessage().contains("at least one spec"), empty.getMessage());

        final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
            () -> cluster.master.spawn(List.of(spec(TestWorker.class.getName(), cpu(-1)))));
        assertTrue(negative.getMessage().contains("-1"), negative.getMessage());

        final IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class,
            () -> cluster.master.spawn(List.of(spec(TestWorker.class.getName(), cpu(999)))));
        assertTrue(beyond.getMessage().contains("999") && beyond.getMessage().contains(CpuSet.allowed().toList()),
            beyond.getMessage());

        final WorkerHandle missing = cluster.master.spawn(List.of(
            spec("com.acme.NoSuchWorker", respawn(RespawnPolicy.never())))).get(0);
        final ExitStatus status = missing.onExit().get(30, TimeUnit.SECONDS);
        assertEquals(1, status.code());
        assertTrue(status.reason().contains("Could not find or load main class com.acme.NoSuchWorker"),
            status.reason());
        Tests.await(() -> events.reasons().stream().anyMatch((r) -> r.contains("com.acme.NoSuchWorker")),
            ClusterFixture.TIMEOUT, () -> "an exit event naming com.acme.NoSuchWorker: " + events.reasons());
    }

    @Test
    void shouldLeaveNoWorkerBehindWhenTheMasterIsKilled() throws Exception
    {
        final String dir = "/dev/shm/clustr-test-orphans-" + ProcessHandle.current().pid();
        final Process master = startTestMaster(dir, 3);
        try
        {
            final List<Long> pids = readPids(master);
            watcher.watch(dir);
            assertEquals(4, pids.size(), pids.toString());
            pids.forEach((pid) -> assertTrue(ProcessHandle.of(pid).isPresent(), "running: " + pid));

            master.destroyForcibly();
            assertTrue(master.waitFor(10, TimeUnit.SECONDS));

            Tests.await(() -> alive(pids).isEmpty(), Duration.ofSeconds(5),
                () -> "workers " + alive(pids) + " still alive 5 s after the master was SIGKILLed");
        }
        finally
        {
            master.destroyForcibly();
            master.waitFor(10, TimeUnit.SECONDS);
            deleteRecursively(Path.of(dir));
        }
    }

    @Test
    void shouldLetAWorkerStartedByHandKillTheMaster() throws Exception
    {
        final String dir = "/dev/shm/clustr-test-killmaster-" + ProcessHandle.current().pid();
        final Process master = startTestMaster(dir, 2);
        try
        {
            final List<Long> pids = readPids(master);
            watcher.watch(dir);

            try (io.clustr.Worker byHand = io.clustr.Worker.create(
                io.clustr.Options.group("ops"), io.clustr.Options.aeronDirectory(dir)))
            {
                assertEquals(master.pid(), byHand.masterPid());
                assertEquals(2, byHand.workers().stream().filter((w) -> w.parentId() == 0).count(),
                    "the join ack brought the master's view: " + byHand.workers());
                byHand.killWorker(0, 7);
                assertTrue(master.waitFor(20, TimeUnit.SECONDS), "master exited");
                assertEquals(7, master.exitValue());
            }

            Tests.await(() -> alive(pids).isEmpty(), Duration.ofSeconds(5),
                () -> "children " + alive(pids) + " outlived the killed master");
            assertFalse(Files.exists(Path.of(dir)), "a master that exits cleanly deletes its driver directory");
        }
        finally
        {
            master.destroyForcibly();
            master.waitFor(10, TimeUnit.SECONDS);
            deleteRecursively(Path.of(dir));
        }
    }

    @Test
    void shouldLetAWorkerSpawnItsOwnWorkersThatDieWithIt() throws Exception
    {
        final WorkerHandle parent = cluster.spawnReady(worker("web")).get(0);
        cluster.master.publish(io.clustr.Channel.worker(parent.id()), "spawn:cache");
        final String[] spawned = cluster.await((m) -> m.startsWith("spawned|")).split("\\|");
        final long childId = Long.parseLong(spawned[2]);
        final long childPid = Long.parseLong(spawned[3]);

        cluster.awaitReady(childId);
        final WorkerInfo child = cluster.master.workers().stream().filter((w) -> w.id() == childId).findFirst()
            .orElseThrow();
        assertEquals(parent.id(), child.parentId());
        assertEquals("cache", child.group());

        cluster.master.publish(io.clustr.Channel.worker(childId), "hello-grandchild");
        assertEquals("private|" + childId + "|0||hello-grandchild",
            cluster.await((m) -> m.endsWith("|hello-grandchild")));

        // the middle worker dies without warning: its child must not outlive it
        ProcessHandle.of(parent.pid()).orElseThrow().destroyForcibly();
        Tests.await(() -> alive(List.of(childPid)).isEmpty(), Duration.ofSeconds(5),
            () -> "grandchild " + childPid + " outlived its parent");
        assertEquals(9, parent.onExit().get(10, TimeUnit.SECONDS).signal());
    }

    @Test
    void shouldRunOnAStandaloneMediaDriver() throws Exception
    {
        final String dir = "/dev/shm/clustr-test-standalone-" + ProcessHandle.current().pid();
        final List<String> command = new ArrayList<>(javaCommand("io.clustr.driver.ClustrMediaDriver", "shared"));
        command.add(command.size() - 2, "-Daeron.dir=" + dir);
        final Process driver = new ProcessBuilder(command).redirectErrorStream(true).start();
        try
        {
            assertTrue(readLine(driver, "clustr media driver running").contains(dir));
            watcher.watch(dir);
            try (io.clustr.Master master = io.clustr.Master.create(
                io.clustr.Options.aeronDirectory(dir), io.clustr.Options.embeddedDriver(false)))
            {
                assertFalse(master.hasEmbeddedDriver());
                final CompletableFuture<String> reply = new CompletableFuture<>();
                master.onPrivate((msg) -> reply.complete(msg.text()));
                final java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
                master.onConfirmation(1, "ready", ready::countDown);
                final WorkerHandle worker = master.spawn(List.of(
                    spec(TestWorker.class.getName(), args("web", "ready")))).get(0);
                assertTrue(ready.await(30, TimeUnit.SECONDS));
                master.publish(io.clustr.Channel.worker(worker.id()), "over-standalone");
                assertEquals("private|" + worker.id() + "|0||over-standalone", reply.get(30, TimeUnit.SECONDS));
            }
            assertTrue(Files.exists(Path.of(dir)), "the driver outlives the master");

            driver.destroy();
            assertTrue(driver.waitFor(20, TimeUnit.SECONDS), "the driver stops on SIGTERM");
            assertFalse(Files.exists(Path.of(dir)), "and deletes its directory");
        }
        finally
        {
            driver.destroyForcibly();
            driver.waitFor(10, TimeUnit.SECONDS);
            deleteRecursively(Path.of(dir));
        }
    }

    private static List<Long> alive(final List<Long> pids)
    {
        return pids.stream().filter((pid) -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            .collect(Collectors.toList());
    }

    private static List<String> threadAffinities(final long pid) throws IOException
    {
        final List<String> result = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task")))
        {
            for (final Path task : tasks.collect(Collectors.toList()))
            {
                String name = "?";
                String cpus = "?";
                for (final String line : Files.readAllLines(task.resolve("status")))
                {
                    if (line.startsWith("Name:"))
                    {
                        name = line.substring("Name:".length()).trim();
                    }
                    else if (line.startsWith("Cpus_allowed_list:"))
                    {
                        cpus = line.substring("Cpus_allowed_list:".length()).trim();
                    }
                }
                result.add(name + "\t" + cpus);
            }
        }

        return result;
    }

    private static Process startTestMaster(final String dir, final int workers) throws IOException
    {
        return new ProcessBuilder(javaCommand(TestMaster.class.getName(), dir, Integer.toString(workers)))
            .redirectErrorStream(true)
            .start();
    }

    private static List<Long> readPids(final Process master) throws IOException
    {
        final String pidsLine = readLine(master, "PIDS ");
        return Stream.of(pidsLine.substring("PIDS ".length()).trim().split(" "))
            .map(Long::parseLong).collect(Collectors.toList());
    }

    private static List<String> javaCommand(final String mainClass, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Supervisor.Configuration.ADD_OPENS_JVM_ARGS);
        command.addAll(List.of("-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private static String readLine(final Process process, final String prefix) throws IOException
    {
        final java.io.BufferedReader reader = new java.io.BufferedReader(
            new java.io.InputStreamReader(process.getInputStream()));
        final List<String> seen = new ArrayList<>();
        String line;
        while (null != (line = reader.readLine()))
        {
            if (line.startsWith(prefix))
            {
                final Thread drain = new Thread(() -> drain(reader), "drain-test-master");
                drain.setDaemon(true);
                drain.start();
                return line;
            }
            seen.add(line);
        }

        throw new AssertionError("test master ended without printing " + prefix + ": " + seen);
    }

    private static void drain(final java.io.BufferedReader reader)
    {
        try
        {
            while (null != reader.readLine())
            {
                // keep the pipe from filling up
            }
        }
        catch (final IOException ignore)
        {
            // process gone
        }
    }

    private static void deleteRecursively(final Path dir) throws IOException
    {
        if (Files.exists(dir))
        {
            try (Stream<Path> paths = Files.walk(dir))
            {
                for (final Path path : paths.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList()))
                {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    /**
     * Records lifecycle events with their times.
     */
    static final class Events implements LifecycleListener
    {
        private final List<Object[]> events = new CopyOnWriteArrayList<>();
        private final List<String> reasons = new CopyOnWriteArrayList<>();
        private final List<WorkerHandle> online = new CopyOnWriteArrayList<>();

        public void onFork(final WorkerHandle worker)
        {
            events.add(new Object[]{ "fork " + worker.id(), System.nanoTime() });
        }

        public void onOnline(final WorkerHandle worker)
        {
            online.add(worker);
            events.add(new Object[]{ "online " + worker.id(), System.nanoTime() });
        }

        public void onExit(final WorkerHandle worker, final ExitStatus status, final boolean respawning)
        {
            reasons.add(status.reason());
            events.add(new Object[]{ "exit " + worker.id() + " " + status.code() + " " + respawning,
                System.nanoTime() });
        }

        public void onRespawnGaveUp(final WorkerHandle lastWorker, final String reason)
        {
            reasons.add(reason);
            events.add(new Object[]{ "gave-up " + lastWorker.id(), System.nanoTime() });
        }

        List<String> all()
        {
            return events.stream().map((e) -> (String)e[0]).collect(Collectors.toList());
        }

        List<String> matching(final String kind)
        {
            return all().stream().filter((e) -> e.startsWith(kind + " ")).collect(Collectors.toList());
        }

        List<Long> times(final String kind)
        {
            return events.stream().filter((e) -> ((String)e[0]).startsWith(kind + " ")).map((e) -> (Long)e[1])
                .collect(Collectors.toList());
        }

        long count(final String kind)
        {
            return matching(kind).size();
        }

        List<String> reasons()
        {
            return reasons;
        }

        void await(final String kind, final int count)
        {
            Tests.await(() -> count(kind) >= count, ClusterFixture.TIMEOUT,
                () -> count + " " + kind + " events: " + all());
        }

        /**
         * Wait for an event that starts with {@code prefix}, e.g. {@code "exit 7 "}.
         */
        void awaitEvent(final String prefix)
        {
            Tests.await(() -> all().stream().anyMatch((e) -> e.startsWith(prefix)), ClusterFixture.TIMEOUT,
                () -> "an event '" + prefix + "...': " + all());
        }

        WorkerHandle awaitOnline(final java.util.function.Predicate<WorkerHandle> predicate)
        {
            Tests.await(() -> online.stream().anyMatch(predicate), ClusterFixture.TIMEOUT,
                () -> "a matching online event: " + all());
            return online.stream().filter(predicate).findFirst().orElseThrow();
        }
    }
}
