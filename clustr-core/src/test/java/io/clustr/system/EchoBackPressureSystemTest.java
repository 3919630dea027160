package io.clustr.system;

import io.clustr.BackPressureException;
import io.clustr.Channel;
import io.clustr.ClustrException;
import io.clustr.Master;
import io.clustr.Options;
import io.clustr.WorkerHandle;
import io.clustr.WorkerInfo;
import io.clustr.spawn.ChildState;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.RespawnPolicy;
import io.clustr.spawn.SpawnOption;
import io.clustr.spawn.Spec;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two nodes echo to each other on their private streams under back-pressure: the master (in this JVM) and one worker
 * JVM each publish every message their private handler receives back to the other, from the handler. A burst of
 * {@link #BURST} 1 KiB messages from the test thread fills both streams (a 4 MiB term holds a 2 MiB window, about
 * 1 900 such messages), so each handler finds the other's stream full while the other's handler is doing the same.
 * <p>
 * What clustr promises: {@code publish} on a duty-cycle thread waits a bounded time for back-pressure to clear, then
 * throws a {@link ClustrException} the handler may catch, so two handlers publishing into each other's full stream
 * never deadlock and no node is dropped for it. The test shows: a sentinel round trip completes within
 * {@link #ROUND_TRIP_BOUND} after the burst, the handlers saw (and caught) back-pressure failures, messages circulate
 * afterwards ({@link #CIRCULATE} messages x {@link #CIRCULATE_HOPS} hops, all completed), the worker is still a
 * member and exits with 0 when the master closes, and the master is still open.
 */
@InterruptAfter(180)
class EchoBackPressureSystemTest
{
    /**
     * What every failure a handler caught must be: the exception a publish from a handler throws when back-pressure
     * outlasts its bounded wait is this class or a subclass of it.
     */
    static final Class<? extends ClustrException> BACK_PRESSURE_FAILURE = BackPressureException.class;

    static final int BURST = 20_000;
    static final int BURST_HOPS = 8;
    static final int CIRCULATE = 100;
    static final int CIRCULATE_HOPS = 21;
    static final Duration ROUND_TRIP_BOUND = Duration.ofSeconds(30);
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
    static final long SENTINEL_INTERVAL_MS = 200;
    static final Duration SENTINEL_PATIENCE = Duration.ofSeconds(2);

    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private final String aeronDir = new File("/dev/shm", "clustr-test-" + UUID.randomUUID()).getPath();
    private final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    private final AtomicBoolean ready = new AtomicBoolean();
    private Master master;

    @AfterEach
    void after()
    {
        if (null != master)
        {
            master.close();
        }
        assertFalse(new File(aeronDir).exists(), "driver directory left behind: " + aeronDir);
    }

    @Test
    void shouldNotDeadlockNorDropANodeWhenTwoHandlersEchoIntoEachOthersFullStream() throws Exception
    {
        master = Master.create(Options.aeronDirectory(aeronDir), Options.killGrace(Duration.ofSeconds(3)));
        watcher.watch(aeronDir);
        final EchoHandler echo = new EchoHandler(master, false);
        master.onPrivate((msg) ->
        {
            if (!echo.onMessage(msg))
            {
                inbox.add(msg.text());
            }
        });
        master.onConfirmation(1, "ready", () -> ready.set(true));

        final WorkerHandle worker = master.spawn(List.of(Spec.spec(
            EchoWorker.class.getName(), SpawnOption.respawn(RespawnPolicy.never())))).get(0);
        Tests.await(ready::get, STEP_TIMEOUT, "the echo worker confirmed ready");
        final Channel toWorker = Channel.worker(worker.id());
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EchoHandler.MESSAGE_LENGTH]);

        // 1. the burst, from this (non-handler) thread; a publish here may time out while both streams are full
        final long burstStartNs = System.nanoTime();
        int burstSent = 0;
        String burstFailure = "-";
        for (; burstSent < BURST; burstSent++)
        {
            EchoHandler.encode(buffer, EchoHandler.ECHO, 1, BURST_HOPS, burstSent);
            try
            {
                master.publish(toWorker, buffer, 0, EchoHandler.MESSAGE_LENGTH);
            }
            catch (final ClustrException ex)
            {
                burstFailure = ex.getMessage();
                break;
            }
        }
        final long burstEndNs = System.nanoTime();

        // 2. no deadlock: a sentinel goes round (offered without waiting, again every 200 ms until one is back)
        final long roundTripDeadlineNs = burstEndNs + ROUND_TRIP_BOUND.toNanos();
        long sentinelsOffered = 0;
        long sentinelsAccepted = 0;
        Long returned = null;
        while (null == returned)
        {
            if (System.nanoTime() - roundTripDeadlineNs > 0)
            {
                fail("no sentinel came back within " + ROUND_TRIP_BOUND + " of the burst's end (" + sentinelsAccepted +
                    " of " + sentinelsOffered + " offers accepted; burst sent " + burstSent + ", failure: " +
                    burstFailure + "; master " + echo.stats() + "; worker alive " + worker.isAlive() + " " +
                    worker.exitStatus() + ")");
            }
            EchoHandler.encode(buffer, EchoHandler.SENTINEL, 3, 1, sentinelsOffered++);
            if (master.tryPublish(toWorker, buffer, 0, EchoHandler.MESSAGE_LENGTH))
            {
                sentinelsAccepted++;
            }
            returned = echo.sentinels().poll(SENTINEL_INTERVAL_MS, TimeUnit.MILLISECONDS);
        }
        final long roundTripMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - burstEndNs);

        // 2b. the burst's messages are done going round
        final int quietRounds = awaitBurstDone(toWorker, buffer, sentinelsOffered, echo);

        // 3. messages still circulate: each of these makes CIRCULATE_HOPS hops and ends at the master
        for (int i = 0; i < CIRCULATE; i++)
        {
            EchoHandler.encode(buffer, EchoHandler.ECHO, 2, CIRCULATE_HOPS, i);
            master.publish(toWorker, buffer, 0, EchoHandler.MESSAGE_LENGTH);
        }
        Tests.awaitValue(() -> echo.completed(2), CIRCULATE, STEP_TIMEOUT,
            "messages that made all " + CIRCULATE_HOPS + " hops after the burst (master " + echo.stats() + ")");

        // 4. what the worker's handler saw
        master.publish(toWorker, "stats");
        final String workerStats = Tests.poll(inbox, STEP_TIMEOUT, () -> "the worker's stats");
        final String[] stats = workerStats.split("\\|", -1);
        assertEquals("echo-stats", stats[0], workerStats);
        final long workerFailures = Long.parseLong(stats[4]);
        final long handlerFailures = echo.failures() + workerFailures;

        System.out.println("EchoBackPressureSystemTest: burst " + burstSent + " of " + BURST + " x " +
            EchoHandler.MESSAGE_LENGTH + " B in " + TimeUnit.NANOSECONDS.toMillis(burstEndNs - burstStartNs) +
            " ms (burst failure: " + burstFailure + "); sentinel " + returned + " back " + roundTripMs +
            " ms after the burst (" + sentinelsAccepted + "/" + sentinelsOffered + " offers accepted), quiet after " +
            quietRounds + " more round trips; " +
            "handler failures: master " + echo.failures() + ", worker " + workerFailures + "; master " +
            echo.stats() + "; worker " + workerStats);

        assertTrue(handlerFailures > 0, "the handlers saw back-pressure (master " + echo.stats() + "; worker " +
            workerStats + ")");
        checkFailureTypes("master", echo.failureTypes(), echo.firstFailure());
        checkFailureTypes("worker", "-".equals(stats[5]) ? Set.of() : Set.of(stats[5].split(",")), stats[7]);

        // 5. nobody was dropped

        assertNobodyDropped(worker);
    }

    /**
     * Wait until the burst's messages are done going round: each had up to {@link #BURST_HOPS} hops, so they go on
     * bouncing after the first sentinel came back, and can keep both streams full. Done is a sentinel round trip in
     * which the master received no echo message. Each stream is one log, read in order: whatever was ahead of the
     * sentinel, or was echoed ahead of its echo, reached the master before the sentinel came back. A sentinel the
     * worker's handler could not echo (back-pressure) is given up after {@link #SENTINEL_PATIENCE}, and another sent.
     *
     * @return the round trips it took.
     */
    private int awaitBurstDone(
        final Channel toWorker, final UnsafeBuffer buffer, final long firstSequence, final EchoHandler echo)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + STEP_TIMEOUT.toNanos();
        int rounds = 0;
        boolean isQuiet = false;
        while (!isQuiet)
        {
            final long receivedBefore = echo.received();
            final boolean isBack = sentinelRoundTrip(toWorker, buffer, firstSequence + rounds, deadlineNs, echo);
            isQuiet = isBack && echo.received() == receivedBefore;
            rounds++;
        }

        return rounds;
    }

    /**
     * Send one sentinel (offered again every {@link #SENTINEL_INTERVAL_MS} until accepted) and wait up to
     * {@link #SENTINEL_PATIENCE} for that one to come back; sentinels of earlier round trips that come back meanwhile
     * are passed over.
     *
     * @return whether it came back.
     */
    private boolean sentinelRoundTrip(
        final Channel toWorker, final UnsafeBuffer buffer, final long sequence, final long deadlineNs,
        final EchoHandler echo) throws InterruptedException
    {
        EchoHandler.encode(buffer, EchoHandler.SENTINEL, 3, 1, sequence);
        while (!master.tryPublish(toWorker, buffer, 0, EchoHandler.MESSAGE_LENGTH))
        {
            checkDeadline(deadlineNs, sequence, echo);
            Thread.sleep(SENTINEL_INTERVAL_MS);
        }

        final long giveUpNs = System.nanoTime() + SENTINEL_PATIENCE.toNanos();
        while (System.nanoTime() - giveUpNs < 0)
        {
            checkDeadline(deadlineNs, sequence, echo);
            final Long returned = echo.sentinels().poll(SENTINEL_INTERVAL_MS, TimeUnit.MILLISECONDS);
            if (null != returned && returned == sequence)
            {
                return true;
            }
        }

        return false;
    }

    private static void checkDeadline(final long deadlineNs, final long sequence, final EchoHandler echo)
    {
        if (System.nanoTime() - deadlineNs > 0)
        {
            fail("the burst's messages were still going round " + STEP_TIMEOUT + " after the first sentinel came " +
                "back (sentinel " + sequence + "; master " + echo.stats() + ")");
        }
    }

    /**
     * The worker is still a member and the master open; the worker exits with 0 when the master closes.
     */
    private void assertNobodyDropped(final WorkerHandle worker) throws Exception
    {
        assertFalse(master.isClosed(), "master still open");
        assertTrue(worker.isAlive(), "worker alive: " + worker.exitStatus());
        final WorkerInfo info = master.workers().stream().filter((w) -> w.id() == worker.id()).findFirst()
            .orElseThrow(() -> new AssertionError("worker " + worker.id() + " is no longer a member: " +
                master.workers()));
        assertEquals(ChildState.ONLINE, info.state(), info.toString());

        master.close();
        final ExitStatus exit = worker.onExit().get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(0, exit.code(), "worker exit on close: " + exit.reason());
    }

    private static void checkFailureTypes(final String node, final Set<String> types, final String first)
        throws ClassNotFoundException
    {
        for (final String type : types)
        {
            assertTrue(BACK_PRESSURE_FAILURE.isAssignableFrom(Class.forName(type)),
                node + "'s handler caught " + type + ", expected " + BACK_PRESSURE_FAILURE.getName() +
                " (first failure: " + first + ")");
        }
    }
}
