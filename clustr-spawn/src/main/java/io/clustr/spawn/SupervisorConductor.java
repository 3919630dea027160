package io.clustr.spawn;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Owns the slots of a supervisor and every decision about them: forking, reaping, respawn deadlines, kill deadlines
 * and closing. All its state is touched on one thread only, the supervisor thread that runs {@link #doWork(long)}
 * (the thread the children are forked from). Other threads talk to it through a queue of commands
 * ({@link #spawn(List)}, {@link #terminate(long, long)}, {@link #expectExit(long, int, boolean, long)},
 * {@link #close()}, and the exit notices of processes) and read {@link #snapshot()}, an immutable list republished
 * after every change.
 * <p>
 * Deadlines are fields of the slots and children (a deadline list of a few entries per child, scanned when the
 * conductor wakes); {@link #nextDeadlineNs()} tells the runner how long it may park. Unit tests drive it by calling
 * {@link #doWork(long)} with a clock of their own and a fake {@link ProcessLauncher}.
 */
final class SupervisorConductor
{
    /**
     * No deadline set.
     */
    static final long NO_DEADLINE = Long.MAX_VALUE;

    /**
     * How long after a process has exited its output may still be drained before the exit is reported anyway (a
     * grandchild may hold the pipes open).
     */
    static final long DRAIN_AFTER_EXIT_NS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Most commands run in one duty cycle; the rest run in the next one, without parking in between.
     */
    static final int COMMAND_LIMIT = 64;

    private static final System.Logger LOGGER = System.getLogger(Supervisor.class.getName());

    private final ProcessLauncher launcher;
    private final LongSupplier idSupplier;
    private final SupervisorListener listener;
    private final long stopGraceNs;
    private final LongSupplier nanoClock;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final List<Slot> slots = new ArrayList<>();
    private volatile List<Child> snapshot = List.of();
    private volatile boolean terminated;
    private volatile Thread thread;
    private boolean closing;
    private boolean snapshotDirty;
    private int liveChildren;
    private long nowNs;
    private long nextDeadlineNs = NO_DEADLINE;

    /**
     * A conductor with nothing to supervise yet.
     *
     * @param launcher    starts the processes.
     * @param idSupplier  gives the id of each incarnation.
     * @param listener    told of forks, exits and given-up slots, on the conductor's thread.
     * @param stopGraceNs how long {@link #close()} lets a child exit after SIGTERM before SIGKILL.
     * @param nanoClock   the clock of the respawn throttles and the uptimes (the deadlines use the time given to
     *                    {@link #doWork(long)}).
     */
    SupervisorConductor(
        final ProcessLauncher launcher,
        final LongSupplier idSupplier,
        final SupervisorListener listener,
        final long stopGraceNs,
        final LongSupplier nanoClock)
    {
        this.launcher = launcher;
        this.idSupplier = idSupplier;
        this.listener = listener;
        this.stopGraceNs = stopGraceNs;
        this.nanoClock = nanoClock;
        this.nowNs = nanoClock.getAsLong();
    }

    // ---- any thread ---------------------------------------------------------------------------------------------

    /**
     * The thread that runs {@link #doWork(long)}, woken by every command. Set once by the runner before it starts.
     *
     * @param thread the supervisor thread.
     */
    void thread(final Thread thread)
    {
        this.thread = thread;
    }

    /**
     * Is the caller the thread that runs the duty cycle (a listener callback)?
     *
     * @return true on the supervisor thread.
     */
    boolean isConductorThread()
    {
        return Thread.currentThread() == thread;
    }

    /**
     * The current incarnation of every slot, in spawn order: running, or exited and waiting for its respawn.
     *
     * @return an immutable list.
     */
    List<Child> snapshot()
    {
        return snapshot;
    }

    /**
     * Has the conductor finished: closed, every child exited and reported? Its thread then ends.
     *
     * @return true once terminated.
     */
    boolean isTerminated()
    {
        return terminated;
    }

    /**
     * Fork one child per spec, all in the same duty cycle.
     *
     * @param specs checked specs.
     * @return completes with the first incarnations in spec order, or exceptionally as {@link #spawnNow(List)}.
     */
    CompletableFuture<List<ChildProcess>> spawn(final List<Spec> specs)
    {
        final CompletableFuture<List<ChildProcess>> result = new CompletableFuture<>();
        offer(() ->
        {
            try
            {
                result.complete(spawnNow(specs));
            }
            catch (final RuntimeException | Error ex)
            {
                result.completeExceptionally(ex);
            }
        });

        if (terminated)
        {
            result.completeExceptionally(closedException());
        }

        return result;
    }

    /**
     * Stop a child: SIGTERM, then SIGKILL after the grace; its slot is not respawned.
     *
     * @param id      the child's id.
     * @param graceNs how long it has after SIGTERM.
     */
    void terminate(final long id, final long graceNs)
    {
        offer(() -> onTerminate(id, graceNs));
    }

    /**
     * The child was asked to exit: SIGKILL if it is still alive after the grace (an earlier deadline is kept).
     *
     * @param id       the child's id.
     * @param code     the code it was asked to exit with, when {@code withCode}.
     * @param withCode true when the code is known.
     * @param graceNs  how long it has to exit by itself.
     */
    void expectExit(final long id, final int code, final boolean withCode, final long graceNs)
    {
        offer(() -> onExpectExit(id, code, withCode, graceNs));
    }

    /**
     * The child was asked to exit with {@code code} and its slot is done: as {@link #expectExit(long, int, boolean,
     * long)}, and its exit is never respawned (a rolling restart's old worker, or one scaled away).
     *
     * @param id      the child's id.
     * @param code    the code it was asked to exit with.
     * @param graceNs how long it has to exit by itself.
     */
    void retire(final long id, final int code, final long graceNs)
    {
        offer(() ->
        {
            final Slot slot = slotOf(id);
            if (null != slot)
            {
                slot.stopped = true;
                if (slot.isRespawnPending())
                {
                    removeSlot(slot);
                }
                else
                {
                    onExpectExit(id, code, true, graceNs);
                }
            }
        });
    }

    /**
     * Respawn nothing more and stop every child (those with a kill deadline keep it).
     */
    void close()
    {
        offer(this::onClose);
    }

    /**
     * The earliest deadline of any slot or child, for the runner's park.
     *
     * @return the deadline in the clock of {@link #doWork(long)}, or {@link #NO_DEADLINE}.
     */
    long nextDeadlineNs()
    {
        return nextDeadlineNs;
    }

    /**
     * Are commands waiting?
     *
     * @return true if the next duty cycle has commands to run.
     */
    boolean hasCommands()
    {
        return !commands.isEmpty();
    }

    // ---- the conductor's thread ---------------------------------------------------------------------------------

    /**
     * One duty cycle: run the queued commands, then act on the deadlines that have passed. The clock is read again
     * before each command, so that a grace counts from after the call that asked for it, even when the thread was
     * descheduled between reading {@code nowNs} and taking the command.
     *
     * @param nowNs the time now.
     * @return the amount of work done, 0 when idle.
     */
    int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        int work = 0;
        Runnable command;
        while (work < COMMAND_LIMIT && null != (command = commands.poll()))
        {
            this.nowNs = Math.max(this.nowNs, nanoClock.getAsLong());
            runSafely(command);
            work++;
        }

        work += checkSlots();
        publishSnapshotIfDirty();

        if (closing && 0 == liveChildren && !terminated)
        {
            onTerminated();
            work++;
        }

        return work;
    }

    /**
     * Fork one child per spec now. Called on the conductor's thread: by a spawn command, or directly when a listener
     * spawns.
     *
     * @param specs checked specs.
     * @return the first incarnations, in spec order.
     * @throws IllegalStateException         if closing.
     * @throws java.io.UncheckedIOException if a process could not be started; those forked before it keep running
     *                                       and are supervised.
     */
    List<ChildProcess> spawnNow(final List<Spec> specs)
    {
        if (closing)
        {
            throw closedException();
        }

        final List<ChildProcess> launched = new ArrayList<>(specs.size());
        for (final Spec spec : specs)
        {
            final Slot slot = new Slot(spec, new RespawnThrottle(spec.respawnPolicy(), nanoClock));
            final Child child = fork(slot, 0, Optional.empty());
            slots.add(slot);
            notifyFork(child);
            launched.add(child);
        }

        return Collections.unmodifiableList(launched);
    }

    private void offer(final Runnable command)
    {
        commands.offer(command);
        wakeUp();
    }

    private void wakeUp()
    {
        final Thread t = thread;
        if (null != t)
        {
            LockSupport.unpark(t);
        }
    }

    private int checkSlots()
    {
        int work = 0;
        long next = NO_DEADLINE;
        int i = 0;
        while (i < slots.size())
        {
            final Slot slot = slots.get(i);
            final Child child = slot.current;
            boolean removed = false;
            if (child.exitSeen && child.isAlive())
            {
                if (child.launched().isDrained() || hasPassed(child.drainDeadlineNs))
                {
                    removed = onReaped(child);
                    work++;
                }
            }
            else if (hasPassed(child.killDeadlineNs))
            {
                child.killDeadlineNs = NO_DEADLINE;
                forceKill(child);
                work++;
            }

            if (!removed && slot.isRespawnPending() && hasPassed(slot.respawnDeadlineNs))
            {
                removed = respawn(slot);
                work++;
            }

            if (!removed)
            {
                next = Math.min(next, nextDeadlineOf(slot));
                i++;
            }
        }

        nextDeadlineNs = next;

        return work;
    }

    private static long nextDeadlineOf(final Slot slot)
    {
        final Child child = slot.current;
        final long childDeadlineNs = child.exitSeen && child.isAlive() ? child.drainDeadlineNs : child.killDeadlineNs;

        return Math.min(childDeadlineNs, slot.respawnDeadlineNs);
    }

    private boolean hasPassed(final long deadlineNs)
    {
        return NO_DEADLINE != deadlineNs && nowNs - deadlineNs >= 0;
    }

    private long deadlineAfter(final long delayNs)
    {
        final long deadlineNs = nowNs + delayNs;
        if ((delayNs > 0 && deadlineNs < nowNs) || NO_DEADLINE == deadlineNs)
        {
            return NO_DEADLINE - 1;
        }

        return deadlineNs;
    }

    private Child fork(final Slot slot, final int restarts, final Optional<ExitStatus> lastExit)
    {
        final long id = idSupplier.getAsLong();
        slot.throttle.onFork();
        final Instant startTime = Instant.now();
        final long startNs = nanoClock.getAsLong();
        final LaunchedProcess launched = launcher.launch(slot.spec, id, restarts);
        final Child child = new Child(slot, id, restarts, lastExit, launched, startTime, startNs, nanoClock);
        slot.current = child;
        liveChildren++;
        snapshotDirty = true;

        launched.onDrained(this::wakeUp);
        launched.process().onExit().whenComplete((process, ex) -> offer(() -> onExitSeen(child)));

        return child;
    }

    private void notifyFork(final Child child)
    {
        publishSnapshotIfDirty();
        try
        {
            listener.onFork(child);
        }
        catch (final Throwable ex)
        {
            logListenerError("onFork", ex);
        }
    }

    private void onExitSeen(final Child child)
    {
        child.exitSeen = true;
        child.killDeadlineNs = NO_DEADLINE;
        child.drainDeadlineNs = deadlineAfter(DRAIN_AFTER_EXIT_NS);
    }

    /**
     * The child's process has exited and its output is drained: report it, then respawn or drop its slot.
     *
     * @return true if the slot was removed.
     */
    private boolean onReaped(final Child child)
    {
        final int exitValue = child.process().exitValue();
        final boolean exitedByItself = Child.NO_EXPECTED_CODE != child.expectedCode &&
            exitValue == child.expectedCode && !child.forceKilled;
        final ExitStatus status = ExitStatus.fromExitValue(exitValue, exitedByItself, child.stderrTail());
        child.markExited(status, nanoClock.getAsLong());
        liveChildren--;
        snapshotDirty = true;

        final Slot slot = child.slot;
        boolean willRespawn = false;
        long delayNs = 0;
        String gaveUpReason = null;
        if (!closing && !slot.stopped)
        {
            final int decisionCode = child.forceKilled && Child.NO_EXPECTED_CODE != child.expectedCode ?
                child.expectedCode : exitValue;
            if (slot.spec.respawnPolicy().shouldRespawn(decisionCode))
            {
                delayNs = slot.throttle.onDeath();
                if (RespawnThrottle.GIVE_UP == delayNs)
                {
                    gaveUpReason = slot.throttle.gaveUpReason() + "; last exit: " + status.reason();
                }
                else
                {
                    willRespawn = true;
                }
            }
        }

        try
        {
            listener.onExit(child, status, willRespawn);
        }
        catch (final Throwable ex)
        {
            logListenerError("onExit", ex);
        }

        child.completeExit(status);

        if (willRespawn)
        {
            slot.respawnDeadlineNs = deadlineAfter(delayNs);
            return false;
        }

        removeSlot(slot);
        if (null != gaveUpReason)
        {
            gaveUp(child, gaveUpReason);
        }

        return true;
    }

    /**
     * @return true if the slot was removed.
     */
    private boolean respawn(final Slot slot)
    {
        slot.respawnDeadlineNs = NO_DEADLINE;
        if (closing || slot.stopped)
        {
            removeSlot(slot);
            return true;
        }

        final Child last = slot.current;
        final Child next;
        try
        {
            next = fork(slot, slot.restarts + 1, last.exitStatus());
        }
        catch (final RuntimeException ex)
        {
            LOGGER.log(System.Logger.Level.WARNING, "clustr: respawning " + slot.spec.name() + " failed", ex);
            final long delayNs = slot.throttle.onDeath();
            if (RespawnThrottle.GIVE_UP == delayNs)
            {
                removeSlot(slot);
                gaveUp(last, "could not fork: " + ex.getMessage() + "; " + slot.throttle.gaveUpReason());
                return true;
            }

            slot.respawnDeadlineNs = deadlineAfter(delayNs);
            return false;
        }

        slot.restarts++;
        notifyFork(next);

        return false;
    }

    private void gaveUp(final Child last, final String reason)
    {
        LOGGER.log(System.Logger.Level.WARNING, "clustr: gave up " + last.label() + ": " + reason);
        try
        {
            listener.onGaveUp(last, reason);
        }
        catch (final Throwable ex)
        {
            logListenerError("onGaveUp", ex);
        }
    }

    private void onTerminate(final long id, final long graceNs)
    {
        final Slot slot = slotOf(id);
        if (null != slot)
        {
            slot.stopped = true;
            if (slot.isRespawnPending())
            {
                removeSlot(slot);
            }
            else
            {
                stop(slot.current, graceNs);
            }
        }
    }

    private void onExpectExit(final long id, final int code, final boolean withCode, final long graceNs)
    {
        final Slot slot = slotOf(id);
        if (null != slot && slot.current.isAlive())
        {
            final Child child = slot.current;
            child.markStopping();
            if (withCode)
            {
                child.expectedCode = code;
            }
            scheduleKill(child, graceNs);
        }
    }

    private void onClose()
    {
        closing = true;
        int i = 0;
        while (i < slots.size())
        {
            final Slot slot = slots.get(i);
            slot.stopped = true;
            final Child child = slot.current;
            if (slot.isRespawnPending() || !child.isAlive())
            {
                removeSlot(slot);
            }
            else
            {
                if (NO_DEADLINE == child.killDeadlineNs)
                {
                    stop(child, stopGraceNs);
                }
                i++;
            }
        }
    }

    private void onTerminated()
    {
        terminated = true;
        snapshot = List.of();
        Runnable command;
        while (null != (command = commands.poll()))
        {
            runSafely(command);
        }
    }

    private void stop(final Child child, final long graceNs)
    {
        if (child.isAlive())
        {
            child.markStopping();
            child.process().destroy();
            scheduleKill(child, graceNs);
        }
    }

    private void scheduleKill(final Child child, final long graceNs)
    {
        final long deadlineNs = deadlineAfter(graceNs);
        if (NO_DEADLINE == child.killDeadlineNs || deadlineNs - child.killDeadlineNs < 0)
        {
            child.killDeadlineNs = deadlineNs;
        }
    }

    private static void forceKill(final Child child)
    {
        final Process process = child.process();
        if (process.isAlive())
        {
            child.forceKilled = true;
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private Slot slotOf(final long id)
    {
        for (final Slot slot : slots)
        {
            if (slot.current.id() == id)
            {
                return slot;
            }
        }

        return null;
    }

    private void removeSlot(final Slot slot)
    {
        slots.remove(slot);
        snapshotDirty = true;
    }

    private void publishSnapshotIfDirty()
    {
        if (snapshotDirty)
        {
            snapshotDirty = false;
            final Child[] children = new Child[slots.size()];
            for (int i = 0; i < children.length; i++)
            {
                children[i] = slots.get(i).current;
            }
            snapshot = List.of(children);
        }
    }

    private static void runSafely(final Runnable command)
    {
        try
        {
            command.run();
        }
        catch (final Throwable ex)
        {
            LOGGER.log(System.Logger.Level.ERROR, "clustr: supervisor command failed", ex);
        }
    }

    private static void logListenerError(final String callback, final Throwable ex)
    {
        LOGGER.log(System.Logger.Level.WARNING, "clustr: SupervisorListener." + callback + " threw", ex);
    }

    static IllegalStateException closedException()
    {
        return new IllegalStateException("supervisor is closed: it spawns nothing more");
    }
}
