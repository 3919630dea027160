package io.clustr.spawn;

import io.clustr.test.InterruptAfter;
import io.clustr.spawn.internal.SupervisorControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.clustr.spawn.SpawnOption.command;
import static io.clustr.spawn.SpawnOption.cpu;
import static io.clustr.spawn.SpawnOption.env;
import static io.clustr.spawn.SpawnOption.output;
import static io.clustr.spawn.SpawnOption.respawn;
import static io.clustr.spawn.Spec.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@InterruptAfter(30)
class SupervisorSystemTest
{
    private static final long WAIT_MS = 10_000;
    private static final String IGNORE_TERM = "trap '' TERM; echo ready; while true; do sleep 0.05; done";

    private final AtomicLong ids = new AtomicLong(100);
    private final Recorder recorder = new Recorder();
    private final LineCapture out = new LineCapture();
    private final LineCapture err = new LineCapture();
    private Supervisor supervisor;

    @BeforeEach
    void setUp()
    {
        supervisor = launch(Duration.ofSeconds(2));
    }

    @AfterEach
    void tearDown()
    {
        final List<Recorder.Fork> forks = recorder.forks();
        supervisor.close();
        for (final Recorder.Fork fork : forks)
        {
            Processes.kill(fork.child.pid());
        }
    }

    private Supervisor launch(final Duration stopGrace)
    {
        return Supervisor.launch(new Supervisor.Context()
            .idSupplier(ids::incrementAndGet)
            .listener(recorder)
            .out(out.printStream())
            .err(err.printStream())
            .stopGrace(stopGrace));
    }

    private ChildProcess spawnOne(final Spec spec)
    {
        final List<ChildProcess> children = supervisor.spawn(List.of(spec));
        assertEquals(1, children.size());

        return children.get(0);
    }

    private static Spec bash(final String name, final String script, final SpawnOption... options)
    {
        final SpawnOption[] all = new SpawnOption[options.length + 1];
        all[0] = command("bash", "-c", script);
        System.arraycopy(options, 0, all, 1, options.length);

        return spec(name, all);
    }

    private static ExitStatus exitOf(final ChildProcess child) throws Exception
    {
        return child.onExit().get(WAIT_MS, TimeUnit.MILLISECONDS);
    }

    @Test
    void shouldReportExitCode() throws Exception
    {
        final ChildProcess child = spawnOne(bash("three", "exit 3", respawn(RespawnPolicy.never())));
        final ExitStatus status = exitOf(child);

        assertEquals(3, status.code());
        assertEquals(0, status.signal());
        assertFalse(status.isSuccess());
        assertEquals("exit code 3", status.reason());
        assertSame(ChildState.EXITED, child.state());
        assertEquals(status, child.exitStatus().orElseThrow());
        assertFalse(recorder.exits().get(0).willRespawn);
        assertTrue(supervisor.children().isEmpty());
    }

    @Test
    void shouldReportDeathBySignal() throws Exception
    {
        final ExitStatus status = exitOf(spawnOne(bash("suicide", "kill -9 $$", respawn(RespawnPolicy.never()))));

        assertEquals(137, status.code());
        assertEquals(9, status.signal());
        assertTrue(status.reason().startsWith("killed by signal 9 (SIGKILL)"), status.reason());
    }

    @Test
    void shouldPrefixForwardedLines() throws Exception
    {
        final ChildProcess child = spawnOne(
            bash("talker", "echo hello; echo oops >&2; exit 2", respawn(RespawnPolicy.never())));
        final ExitStatus status = exitOf(child);
        final String prefix = "[talker#" + child.id() + " " + child.pid() + "] ";

        assertEquals("talker#" + child.id() + " " + child.pid(), child.label());
        assertEquals(List.of(prefix + "hello"), out.lines());
        assertEquals(List.of(prefix + "oops"), err.lines());
        assertEquals("exit code 2: oops", status.reason());
    }

    @Test
    void shouldDrainMegabytesOfOutputWithoutBlocking() throws Exception
    {
        final ChildProcess child = spawnOne(bash(
            "chatty",
            "yes 0123456789abcdef | head -n 65536; yes fedcba9876543210 | head -n 65536 >&2",
            respawn(RespawnPolicy.never())));
        final ExitStatus status = exitOf(child);

        assertEquals(0, status.code());
        assertEquals(65536, out.size());
        assertEquals(65536, err.size());
        assertEquals("[chatty#" + child.id() + " " + child.pid() + "] 0123456789abcdef", out.lines().get(65535));
    }

    @Test
    void shouldWriteOutputToDirectory(@TempDir final Path dir) throws Exception
    {
        final ChildProcess child = spawnOne(bash(
            "logger", "echo out-line; echo err-line >&2; exit 4",
            output(Output.toDirectory(dir.resolve("logs"))), respawn(RespawnPolicy.never())));
        final ExitStatus status = exitOf(child);

        final Path base = dir.resolve("logs");
        assertEquals(List.of("out-line"), Files.readAllLines(base.resolve("logger-" + child.id() + ".out")));
        assertEquals(List.of("err-line"), Files.readAllLines(base.resolve("logger-" + child.id() + ".err")));
        assertEquals("exit code 4: err-line", status.reason());
        assertEquals(0, out.size());
    }

    @Test
    void shouldGiveChildItsEnvironment() throws Exception
    {
        supervisor.close();
        supervisor = Supervisor.launch(new Supervisor.Context()
            .idSupplier(ids::incrementAndGet)
            .out(out.printStream())
            .err(err.printStream())
            .parentId(7)
            .environment((spec, id, restarts) -> Map.of("EXTRA", "e" + id, "OWN", "ctx")));
        final int cpu = CpuSet.allowed().first();

        final ChildProcess child = spawnOne(bash(
            "envy",
            "echo \"$CLUSTR_ID $CLUSTR_NAME $CLUSTR_RESTARTS $CLUSTR_PARENT_PID $CLUSTR_PARENT_ID $CLUSTR_CPUS " +
            "$EXTRA $OWN\"",
            cpu(cpu), env("OWN", "spec"), respawn(RespawnPolicy.never())));
        exitOf(child);

        final long id = child.id();
        final String expected = id + " envy 0 " + ProcessHandle.current().pid() + " 7 " + cpu + " e" + id + " spec";
        assertEquals(List.of("[envy#" + id + " " + child.pid() + "] " + expected), out.lines());
    }

    @Test
    void shouldRespawnFailedChildWithNewIdAndRestarts() throws Exception
    {
        final ChildProcess first = spawnOne(bash(
            "crasher", "exit 1",
            respawn(RespawnPolicy.onFailure()
                .minInterval(Duration.ofMillis(50))
                .crashLoop(100, Duration.ofMinutes(1)))));

        final List<Recorder.Fork> forks = recorder.awaitForks(2, WAIT_MS);
        final ChildProcess second = forks.get(1).child;

        assertSame(first, forks.get(0).child);
        assertEquals(0, first.restarts());
        assertEquals(1, second.restarts());
        assertNotEquals(first.id(), second.id());
        assertNotEquals(first.pid(), second.pid());
        assertEquals(1, second.lastExit().orElseThrow().code());
        assertTrue(first.lastExit().isEmpty());
        assertTrue(recorder.exits().get(0).willRespawn);
        assertEquals(first.spec(), second.spec());
    }

    @Test
    void shouldNotRespawnOnSuccess() throws Exception
    {
        exitOf(spawnOne(bash("done", "exit 0")));
        Thread.sleep(300);

        assertEquals(1, recorder.forks().size());
        assertFalse(recorder.exits().get(0).willRespawn);
        assertTrue(supervisor.children().isEmpty());
    }

    @Test
    void shouldNotRespawnWithNever() throws Exception
    {
        exitOf(spawnOne(bash("once", "exit 1", respawn(RespawnPolicy.never().minInterval(Duration.ZERO)))));
        Thread.sleep(300);

        assertEquals(1, recorder.forks().size());
        assertFalse(recorder.exits().get(0).willRespawn);
    }

    @Test
    void shouldThrottleCrashLoopThenGiveUp() throws Exception
    {
        spawnOne(bash(
            "looper", "exit 1",
            respawn(RespawnPolicy.onFailure()
                .minInterval(Duration.ofMillis(100))
                .backoff(Duration.ofSeconds(1))
                .crashLoop(4, Duration.ofSeconds(30)))));

        final List<Recorder.GaveUp> gaveUps = recorder.awaitGaveUps(1, WAIT_MS);
        final List<Recorder.Fork> forks = recorder.forks();
        assertEquals(4, forks.size());

        final long toleranceMs = 20;
        for (int k = 1; k < forks.size(); k++)
        {
            final long gapMs = TimeUnit.NANOSECONDS.toMillis(forks.get(k).timeNs - forks.get(k - 1).timeNs);
            final long expectedMs = 100L << (k - 1);
            assertTrue(gapMs >= expectedMs - toleranceMs, "gap " + k + " was " + gapMs + " ms, expected " + expectedMs);
            assertTrue(gapMs < expectedMs + 1000, "gap " + k + " was " + gapMs + " ms, expected " + expectedMs);
            assertEquals(k, forks.get(k).child.restarts());
        }

        assertSame(forks.get(3).child, gaveUps.get(0).child);
        assertTrue(gaveUps.get(0).reason.contains("crash loop: 4 deaths"), gaveUps.get(0).reason);
        assertTrue(gaveUps.get(0).reason.contains("exit code 1"), gaveUps.get(0).reason);
        assertFalse(recorder.exits().get(3).willRespawn);

        Thread.sleep(400);
        assertEquals(4, recorder.forks().size());
        assertNull(supervisor.child(forks.get(3).child.id()));
    }

    @Test
    void shouldForceKillAfterGraceOnTerminate() throws Exception
    {
        final ChildProcess child = spawnOne(bash("stubborn", IGNORE_TERM));
        out.await((line) -> line.endsWith("ready"), WAIT_MS);

        final long startNs = System.nanoTime();
        supervisor.terminate(child.id(), Duration.ofMillis(300));
        assertSame(ChildState.STOPPING, child.state());
        final ExitStatus status = exitOf(child);
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

        assertEquals(9, status.signal());
        assertTrue(elapsedMs >= 290, "killed after " + elapsedMs + " ms");
        assertFalse(recorder.exits().get(0).willRespawn, "a terminated child is not respawned");
        Thread.sleep(200);
        assertEquals(1, recorder.forks().size());
    }

    @Test
    void shouldTerminateWithSigtermFirst() throws Exception
    {
        final ChildProcess child = spawnOne(bash("sleeper", "exec sleep 600"));

        final long startNs = System.nanoTime();
        supervisor.terminate(child.id(), Duration.ofSeconds(5));
        final ExitStatus status = exitOf(child);

        assertEquals(15, status.signal());
        assertEquals("killed by signal 15 (SIGTERM)", status.reason());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) < 4000);
        assertFalse(recorder.exits().get(0).willRespawn);
    }

    @Test
    void shouldForceKillAfterGraceOnExpectExit() throws Exception
    {
        final ChildProcess child = spawnOne(bash("deaf", IGNORE_TERM, respawn(RespawnPolicy.never())));
        out.await((line) -> line.endsWith("ready"), WAIT_MS);

        final long startNs = System.nanoTime();
        SupervisorControl.expectExit(supervisor, child.id(), Duration.ofMillis(300));
        assertSame(ChildState.STOPPING, child.state());
        final ExitStatus status = exitOf(child);
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

        assertEquals(9, status.signal());
        assertTrue(elapsedMs >= 290, "killed after " + elapsedMs + " ms");
    }

    @Test
    void shouldDecideRespawnOnAskedCodeWhenForceKilled() throws Exception
    {
        final ChildProcess child = spawnOne(bash("asked", IGNORE_TERM));
        out.await((line) -> line.endsWith("ready"), WAIT_MS);

        SupervisorControl.expectExit(supervisor, child.id(), 0, Duration.ofMillis(100));
        final ExitStatus status = exitOf(child);

        assertEquals(9, status.signal());
        assertFalse(recorder.exits().get(0).willRespawn, "asked to exit 0: not respawned under onFailure");
    }

    @Test
    void shouldLetChildExitByItselfWithinGrace() throws Exception
    {
        final ChildProcess child = spawnOne(
            bash("polite", "echo ready; sleep 0.2; exit 130", respawn(RespawnPolicy.never())));
        out.await((line) -> line.endsWith("ready"), WAIT_MS);

        SupervisorControl.expectExit(supervisor, child.id(), 130, Duration.ofSeconds(5));
        final ExitStatus status = exitOf(child);

        assertEquals(130, status.code());
        assertEquals(0, status.signal(), "exited by itself with the code it was asked for");
        assertEquals("exit code 130", status.reason());
    }

    @Test
    void shouldTrackChildrenInSpawnOrder() throws Exception
    {
        final List<ChildProcess> children = supervisor.spawn(List.of(
            bash("a", "exec sleep 600"), bash("b", "exec sleep 600"), bash("c", "exec sleep 600")));

        assertEquals(List.of("a", "b", "c"), List.of(
            children.get(0).spec().name(), children.get(1).spec().name(), children.get(2).spec().name()));
        assertEquals(children, supervisor.children());
        assertSame(children.get(1), supervisor.child(children.get(1).id()));
        assertNull(supervisor.child(-5));

        assertSame(ChildState.STARTING, children.get(0).state());
        SupervisorControl.markOnline(supervisor, children.get(0).id());
        assertSame(ChildState.ONLINE, children.get(0).state());
        assertTrue(children.get(0).uptime().toNanos() > 0);
        assertTrue(children.get(0).isAlive());

        supervisor.terminate(children.get(1).id(), Duration.ofSeconds(5));
        exitOf(children.get(1));
        assertEquals(List.of(children.get(0), children.get(2)), supervisor.children());
    }

    @Test
    void shouldStopAllAndRespawnNoneOnClose() throws Exception
    {
        supervisor.close();
        supervisor = launch(Duration.ofMillis(300));
        final List<ChildProcess> children = supervisor.spawn(List.of(
            bash("polite", "exec sleep 600", respawn(RespawnPolicy.always())),
            bash("stubborn", IGNORE_TERM, respawn(RespawnPolicy.always()))));
        out.await((line) -> line.endsWith("ready"), WAIT_MS);

        final long startNs = System.nanoTime();
        supervisor.close();
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

        assertTrue(supervisor.isClosed());
        assertTrue(children.get(0).onExit().isDone() && children.get(1).onExit().isDone());
        assertEquals(15, children.get(0).exitStatus().orElseThrow().signal());
        assertEquals(9, children.get(1).exitStatus().orElseThrow().signal());
        assertTrue(elapsedMs >= 290 && elapsedMs < 5000, "close took " + elapsedMs + " ms");
        assertTrue(supervisor.children().isEmpty());
        assertEquals(2, recorder.exits().size());
        assertFalse(recorder.exits().get(0).willRespawn || recorder.exits().get(1).willRespawn);

        supervisor.close();
        Thread.sleep(200);
        assertEquals(2, recorder.forks().size());
        assertThrows(IllegalStateException.class, () -> supervisor.spawn(List.of(bash("late", "exit 0"))));
    }

    @Test
    void shouldKeepExpectExitDeadlineOnClose() throws Exception
    {
        final ChildProcess child = spawnOne(bash("leaving", IGNORE_TERM));
        out.await((line) -> line.endsWith("ready"), WAIT_MS);

        SupervisorControl.expectExit(supervisor, child.id(), Duration.ofMillis(200));
        final long startNs = System.nanoTime();
        supervisor.close();

        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertTrue(elapsedMs < 1500, "the 2 s stop grace was not used: close took " + elapsedMs + " ms");
        assertEquals(9, exitOf(child).signal());
    }

    @Test
    void shouldMarkOnlineAndExpectExitThroughSupervisorControl() throws Exception
    {
        final List<ChildProcess> children = supervisor.spawn(List.of(
            bash("joins", "exec sleep 600"), bash("asked", IGNORE_TERM, respawn(RespawnPolicy.never()))));
        out.await((line) -> line.endsWith("ready"), WAIT_MS);

        SupervisorControl.markOnline(supervisor, children.get(0).id());
        assertSame(ChildState.ONLINE, children.get(0).state());

        final long startNs = System.nanoTime();
        SupervisorControl.expectExit(supervisor, children.get(1).id(), 0, Duration.ofMillis(200));
        assertSame(ChildState.STOPPING, children.get(1).state(), "STOPPING as soon as the call returns");
        final ExitStatus status = exitOf(children.get(1));

        assertEquals(9, status.signal());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) >= 190);
        assertFalse(recorder.exits().get(0).willRespawn);
        assertSame(ChildState.ONLINE, children.get(0).state());
    }

    @Test
    void shouldRejectCpuNotOnThisMachine()
    {
        final CpuSet allowed = CpuSet.allowed();
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class,
            () -> supervisor.spawn(List.of(bash("fine", "exit 0"), bash("pinned", "exit 0", cpu(99)))));

        assertTrue(ex.getMessage().startsWith(
            "cpu 99 is not available: this machine's CPUs are " + allowed.toList()), ex.getMessage());
        assertTrue(recorder.forks().isEmpty(), "nothing is launched when one spec is bad");
    }

    @Test
    void shouldSurviveThrowingListener() throws Exception
    {
        supervisor.close();
        supervisor = Supervisor.launch(new Supervisor.Context()
            .idSupplier(ids::incrementAndGet)
            .out(out.printStream())
            .err(err.printStream())
            .listener(new SupervisorListener()
            {
                @Override
                public void onFork(final ChildProcess child)
                {
                    throw new IllegalStateException("listener bug (expected by the test)");
                }
            }));

        final ChildProcess child = spawnOne(bash("robust", "echo ok", respawn(RespawnPolicy.never())));
        assertEquals(0, exitOf(child).code());
        assertEquals(0, spawnOne(bash("again", "exit 0")).onExit().get(WAIT_MS, TimeUnit.MILLISECONDS).code());
    }
}
