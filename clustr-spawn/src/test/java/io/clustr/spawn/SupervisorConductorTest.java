package io.clustr.spawn;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.clustr.spawn.SpawnOption.command;
import static io.clustr.spawn.SpawnOption.respawn;
import static io.clustr.spawn.Spec.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conductor driven by hand: a clock of the test's own, fake processes, {@link SupervisorConductor#doWork(long)}
 * called directly. No thread, no process, no sleep.
 */
class SupervisorConductorTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long STOP_GRACE_NS = 2000 * MS;

    private final AtomicLong ids = new AtomicLong(10);
    private final Recorder recorder = new Recorder();
    private final FakeLauncher launcher = new FakeLauncher();
    private long nowNs = -5_000_000_000L;
    private final SupervisorConductor conductor =
        new SupervisorConductor(launcher, ids::incrementAndGet, recorder, STOP_GRACE_NS, () -> nowNs);

    private int doWork()
    {
        return conductor.doWork(nowNs);
    }

    private void advanceMs(final long ms)
    {
        nowNs += ms * MS;
    }

    private static Spec sh(final String name, final RespawnPolicy policy)
    {
        return spec(name, command("sh"), respawn(policy));
    }

    private static RespawnPolicy onFailure()
    {
        return RespawnPolicy.onFailure().minInterval(Duration.ofMillis(100)).crashLoop(3, Duration.ofMinutes(1));
    }

    private List<ChildProcess> spawn(final Spec... specs) throws Exception
    {
        final CompletableFuture<List<ChildProcess>> forks = conductor.spawn(List.of(specs));
        assertFalse(forks.isDone(), "nothing happens before the duty cycle runs");
        assertTrue(doWork() > 0);

        return forks.get();
    }

    private static FakeProcess processOf(final ChildProcess child)
    {
        return (FakeProcess)((Child)child).process();
    }

    @Test
    void shouldForkWholeBatchInOneDutyCycle() throws Exception
    {
        final List<ChildProcess> children =
            spawn(sh("a", RespawnPolicy.never()), sh("b", RespawnPolicy.never()), sh("c", RespawnPolicy.never()));

        assertEquals(3, launcher.launched.size());
        assertEquals(List.of(11L, 12L, 13L), List.of(children.get(0).id(), children.get(1).id(), children.get(2).id()));
        assertEquals(children, conductor.snapshot());
        assertEquals(3, recorder.forks().size());
        assertSame(ChildState.STARTING, children.get(0).state());
        assertEquals(0, doWork(), "idle afterwards");
        assertEquals(SupervisorConductor.NO_DEADLINE, conductor.nextDeadlineNs());
    }

    @Test
    void shouldReportExitAndRespawnAfterThrottleDelay() throws Exception
    {
        final ChildProcess first = spawn(sh("crasher", onFailure())).get(0);
        advanceMs(30);
        processOf(first).exit(1);
        assertFalse(first.onExit().isDone(), "the exit is reported by the duty cycle, not before");

        doWork();
        assertEquals(1, first.onExit().get().code());
        assertSame(ChildState.EXITED, first.state());
        assertTrue(recorder.exits().get(0).willRespawn);
        assertEquals(List.of(first), conductor.snapshot(), "an exited child waits for its respawn in its slot");
        assertEquals(nowNs + 100 * MS, conductor.nextDeadlineNs(), "a first quick death waits minInterval");

        advanceMs(99);
        doWork();
        assertEquals(1, launcher.launched.size());

        advanceMs(1);
        doWork();
        assertEquals(2, launcher.launched.size());
        final ChildProcess second = conductor.snapshot().get(0);
        assertEquals(1, second.restarts());
        assertEquals(12, second.id());
        assertEquals(first.id(), first.slotId());
        assertEquals(first.id(), second.slotId(), "a respawn keeps its slot's id");
        assertEquals(1, second.lastExit().orElseThrow().code());
        assertSame(second, recorder.forks().get(1).child);
    }

    @Test
    void shouldNotRespawnSuccessOrNever() throws Exception
    {
        final List<ChildProcess> children = spawn(sh("ok", onFailure()), sh("once", RespawnPolicy.never()));
        processOf(children.get(0)).exit(0);
        processOf(children.get(1)).exit(1);
        doWork();

        assertEquals(2, recorder.exits().size());
        assertFalse(recorder.exits().get(0).willRespawn || recorder.exits().get(1).willRespawn);
        assertTrue(conductor.snapshot().isEmpty());
        advanceMs(60_000);
        doWork();
        assertEquals(2, launcher.launched.size());
    }

    @Test
    void shouldGiveUpWhenCrashLoopBudgetIsSpent() throws Exception
    {
        spawn(sh("looper", onFailure()));
        for (int i = 0; i < 3; i++)
        {
            processOf(conductor.snapshot().get(0)).exit(1);
            doWork();
            advanceMs(10_000);
            doWork();
        }

        assertEquals(3, launcher.launched.size());
        assertEquals(1, recorder.gaveUps().size());
        assertTrue(recorder.gaveUps().get(0).reason.contains("crash loop: 3 deaths"), recorder.gaveUps().get(0).reason);
        assertFalse(recorder.exits().get(2).willRespawn);
        assertTrue(conductor.snapshot().isEmpty());
    }

    @Test
    void shouldSendSigtermThenSigkillAtDeadlineOnTerminate() throws Exception
    {
        final ChildProcess child = spawn(sh("stubborn", onFailure())).get(0);
        conductor.terminate(child.id(), 300 * MS);
        doWork();

        assertEquals(1, processOf(child).termsReceived());
        assertSame(ChildState.STOPPING, child.state());
        assertEquals(nowNs + 300 * MS, conductor.nextDeadlineNs());

        advanceMs(299);
        doWork();
        assertEquals(0, processOf(child).killsReceived());

        advanceMs(1);
        doWork();
        assertEquals(1, processOf(child).killsReceived());
        doWork();
        assertEquals(9, child.onExit().get().signal());
        assertFalse(recorder.exits().get(0).willRespawn, "a terminated child is not respawned");
        assertTrue(conductor.snapshot().isEmpty());
    }

    @Test
    void shouldCancelPendingRespawnOnTerminate() throws Exception
    {
        final ChildProcess child = spawn(sh("crasher", onFailure())).get(0);
        processOf(child).exit(1);
        doWork();
        assertTrue(recorder.exits().get(0).willRespawn);

        conductor.terminate(child.id(), Duration.ofSeconds(1).toNanos());
        doWork();
        advanceMs(1000);
        doWork();

        assertEquals(1, launcher.launched.size());
        assertTrue(conductor.snapshot().isEmpty());
    }

    @Test
    void shouldKeepEarlierKillDeadline() throws Exception
    {
        final ChildProcess child = spawn(sh("leaving", onFailure())).get(0);
        conductor.expectExit(child.id(), 0, true, 100 * MS);
        conductor.expectExit(child.id(), 0, true, 5000 * MS);
        doWork();

        assertEquals(0, processOf(child).termsReceived(), "expectExit sends no signal");
        assertEquals(nowNs + 100 * MS, conductor.nextDeadlineNs());
        advanceMs(100);
        doWork();
        doWork();

        final ExitStatus status = child.onExit().get();
        assertEquals(9, status.signal());
        assertFalse(recorder.exits().get(0).willRespawn, "asked to exit 0: not respawned under onFailure");
    }

    @Test
    void shouldReadAskedCodeAbove128AsExitNotSignal() throws Exception
    {
        final ChildProcess child = spawn(sh("polite", RespawnPolicy.never())).get(0);
        conductor.expectExit(child.id(), 130, true, 5000 * MS);
        doWork();
        processOf(child).exit(130);
        doWork();

        assertEquals(0, child.onExit().get().signal());
        assertEquals(130, child.onExit().get().code());
    }

    @Test
    void shouldWaitForOutputToDrainUntilDrainDeadline() throws Exception
    {
        final PipedOutputStream childStdout = new PipedOutputStream();
        final OutputPump outPump = new OutputPump(new PipedInputStream(childStdout), null, "", 0).start("test-out");
        final OutputPump errPump =
            new OutputPump(java.io.InputStream.nullInputStream(), null, "", OutputPump.TAIL_LINES).start("test-err");
        launcher.pumps(outPump, errPump);
        try
        {
            final ChildProcess child = spawn(sh("holder", RespawnPolicy.never())).get(0);
            processOf(child).exit(0);
            doWork();
            assertFalse(child.onExit().isDone(), "a grandchild still holds stdout open");
            assertEquals(nowNs + SupervisorConductor.DRAIN_AFTER_EXIT_NS, conductor.nextDeadlineNs());

            advanceMs(TimeUnit.NANOSECONDS.toMillis(SupervisorConductor.DRAIN_AFTER_EXIT_NS) - 1);
            doWork();
            assertFalse(child.onExit().isDone());

            advanceMs(1);
            doWork();
            assertEquals(0, child.onExit().get().code(), "reported without waiting for the pipe any longer");
        }
        finally
        {
            childStdout.close();
        }
    }

    @Test
    void shouldStopAllOnCloseKeepingExpectExitDeadlines() throws Exception
    {
        final List<ChildProcess> children =
            spawn(sh("polite", RespawnPolicy.always()), sh("leaving", RespawnPolicy.always()));
        conductor.expectExit(children.get(1).id(), 0, true, 100 * MS);
        doWork();
        conductor.close();
        doWork();

        assertEquals(1, processOf(children.get(0)).termsReceived(), "SIGTERM for a child without a deadline");
        assertEquals(0, processOf(children.get(1)).termsReceived(), "the expectExit deadline is kept");
        assertFalse(conductor.isTerminated());

        advanceMs(100);
        doWork();
        doWork();
        assertEquals(9, children.get(1).onExit().get().signal());
        assertFalse(conductor.isTerminated(), "one child is still running");

        processOf(children.get(0)).exit(143);
        doWork();
        assertTrue(conductor.isTerminated());
        assertTrue(conductor.snapshot().isEmpty());
        assertEquals(2, recorder.exits().size());
        assertFalse(recorder.exits().get(0).willRespawn || recorder.exits().get(1).willRespawn);
        assertEquals(2, launcher.launched.size(), "nothing respawned");
    }

    @Test
    void shouldSigkillOnCloseAfterStopGrace() throws Exception
    {
        final ChildProcess child = spawn(sh("deaf", RespawnPolicy.always())).get(0);
        conductor.close();
        doWork();
        advanceMs(TimeUnit.NANOSECONDS.toMillis(STOP_GRACE_NS) - 1);
        doWork();
        assertEquals(0, processOf(child).killsReceived());

        advanceMs(1);
        doWork();
        doWork();
        assertEquals(1, processOf(child).killsReceived());
        assertTrue(conductor.isTerminated());
    }

    @Test
    void shouldRefuseSpawnAfterClose() throws Exception
    {
        conductor.close();
        final CompletableFuture<List<ChildProcess>> queued = conductor.spawn(List.of(sh("late", onFailure())));
        doWork();

        assertTrue(conductor.isTerminated(), "no child: terminated at once");
        final ExecutionException ex = assertThrows(ExecutionException.class, queued::get);
        assertInstanceOf(IllegalStateException.class, ex.getCause());

        final CompletableFuture<List<ChildProcess>> afterEnd = conductor.spawn(List.of(sh("later", onFailure())));
        assertThrows(ExecutionException.class, afterEnd::get, "failed even though no duty cycle runs any more");
        assertTrue(launcher.launched.isEmpty());
    }

    @Test
    void shouldKeepForkedChildrenWhenLaterForkFails() throws Exception
    {
        launcher.failAt(1);
        final CompletableFuture<List<ChildProcess>> forks =
            conductor.spawn(List.of(sh("fine", onFailure()), sh("broken", onFailure())));
        doWork();

        final ExecutionException ex = assertThrows(ExecutionException.class, forks::get);
        assertInstanceOf(UncheckedIOException.class, ex.getCause());
        assertEquals(1, conductor.snapshot().size());
        assertEquals("fine", conductor.snapshot().get(0).spec().name());
    }

    @Test
    void shouldSurviveThrowingListener() throws Exception
    {
        final SupervisorConductor throwing = new SupervisorConductor(
            launcher,
            ids::incrementAndGet,
            new SupervisorListener()
            {
                @Override
                public void onFork(final ChildProcess child)
                {
                    throw new IllegalStateException("listener bug (expected by the test)");
                }
            },
            STOP_GRACE_NS,
            () -> nowNs);
        final CompletableFuture<List<ChildProcess>> forks = throwing.spawn(List.of(sh("robust", onFailure())));
        throwing.doWork(nowNs);

        assertEquals(1, forks.get().size());
    }

    @Test
    void shouldParkUntilNextDeadlineWithinBounds()
    {
        assertEquals(SupervisorRunner.MAX_PARK_NS, SupervisorRunner.parkNs(nowNs, SupervisorConductor.NO_DEADLINE));
        assertEquals(5 * MS, SupervisorRunner.parkNs(nowNs, nowNs + 5 * MS));
        assertEquals(1, SupervisorRunner.parkNs(nowNs, nowNs - 5 * MS));
        assertEquals(SupervisorRunner.MAX_PARK_NS, SupervisorRunner.parkNs(nowNs, nowNs + 60_000 * MS));
    }

    @Test
    void shouldIgnoreCommandsForUnknownIds() throws Exception
    {
        final ChildProcess child = spawn(sh("a", onFailure())).get(0);
        conductor.terminate(999, MS);
        conductor.expectExit(999, 0, true, MS);
        doWork();

        assertEquals(0, processOf(child).termsReceived());
        assertEquals(SupervisorConductor.NO_DEADLINE, conductor.nextDeadlineNs());
        assertTrue(recorder.exits().isEmpty());
        assertSame(ChildState.STARTING, child.state());
    }

    /**
     * Hands out fake processes with pids from 1000 on.
     */
    private static final class FakeLauncher implements ProcessLauncher
    {
        final List<FakeProcess> launched = new ArrayList<>();
        private int failAt = -1;
        private int calls;
        private OutputPump outPump;
        private OutputPump errPump;

        void failAt(final int call)
        {
            failAt = call;
        }

        void pumps(final OutputPump out, final OutputPump err)
        {
            outPump = out;
            errPump = err;
        }

        @Override
        public LaunchedProcess launch(final Spec spec, final long id, final int restarts)
        {
            if (calls++ == failAt)
            {
                throw new UncheckedIOException(new IOException("cannot start " + spec.name() + " (test)"));
            }

            final FakeProcess process = new FakeProcess(1000 + launched.size());
            launched.add(process);

            return new LaunchedProcess(process, outPump, errPump, null);
        }
    }
}
