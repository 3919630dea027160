package io.clustr.spawn;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One incarnation of a spawned child: a process with an id. A respawn is a new incarnation with a new id and
 * {@link #restarts()} one higher. Safe to read from any thread.
 */
public interface ChildProcess
{
    /**
     * The id of this incarnation, from {@link Supervisor.Context#idSupplier(java.util.function.LongSupplier)}.
     *
     * @return the id, unique and never reused.
     */
    long id();

    /**
     * The id of the first incarnation of this child's slot (one spec given to {@link Supervisor#spawn}): the same
     * for every respawn of that spec, so it tells two slots of equal specs apart.
     *
     * @return the slot's id; {@link #id()} for a first incarnation.
     */
    long slotId();

    /**
     * The operating system's process id.
     *
     * @return the pid.
     */
    long pid();

    /**
     * The spec this child was forked from.
     *
     * @return the spec.
     */
    Spec spec();

    /**
     * Where this incarnation is in its life.
     *
     * @return the current state.
     */
    ChildState state();

    /**
     * How many times this slot was respawned before this incarnation.
     *
     * @return 0 for the first incarnation, n for the n-th respawn.
     */
    int restarts();

    /**
     * When this incarnation was forked.
     *
     * @return the fork time.
     */
    Instant startTime();

    /**
     * How long this incarnation has been up, or was up when it exited.
     *
     * @return the uptime.
     */
    Duration uptime();

    /**
     * This incarnation's exit, once it has exited.
     *
     * @return the exit status, or empty while it runs.
     */
    Optional<ExitStatus> exitStatus();

    /**
     * The exit of the previous incarnation in this slot.
     *
     * @return the previous exit status, or empty for a first incarnation.
     */
    Optional<ExitStatus> lastExit();

    /**
     * Completes with this incarnation's exit status once it has exited and the listeners have been told.
     *
     * @return a future of the exit status.
     */
    CompletableFuture<ExitStatus> onExit();

    /**
     * {@code "name#id pid"}, as used in the prefix of forwarded output lines.
     *
     * @return the label.
     */
    String label();

    /**
     * Is this incarnation still running (any state but {@link ChildState#EXITED})?
     *
     * @return true until it has exited.
     */
    default boolean isAlive()
    {
        return ChildState.EXITED != state();
    }
}
