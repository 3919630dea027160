package io.clustr.spawn;

import java.time.Duration;
import java.util.Objects;

/**
 * When a child that exited is started again, and how fast.
 * <p>
 * A slot (one spec given to {@link Supervisor#spawn(java.util.List)}) is respawned when its child exits, the
 * supervisor is not closed, the child was not {@link Supervisor#terminate(long, Duration) terminated} and
 * {@link #shouldRespawn(int)} says so. Respawning is throttled:
 * <ul>
 *     <li>two forks of the same slot are at least {@link #minInterval()} apart;</li>
 *     <li>the k-th consecutive early death (an incarnation up less than {@link #stableAfter()}) waits
 *     {@code minInterval * 2^(k-1)}, capped at {@link #maxBackoff()}; a stable incarnation resets the count;</li>
 *     <li>after {@link #crashLoopDeaths()} deaths within {@link #crashLoopWindow()} the slot is given up:
 *     {@link SupervisorListener#onGaveUp(ChildProcess, String)} is called and nothing more is forked for it;
 *     with {@link #escalate(int)} the spawning node then exits too.</li>
 * </ul>
 * Immutable: the withers return copies.
 */
public final class RespawnPolicy
{
    /**
     * Which exits are respawned.
     */
    public enum Mode
    {
        /**
         * Respawn when the exit code is not 0 (clustr-node's behaviour).
         */
        ON_FAILURE,

        /**
         * Respawn on every exit.
         */
        ALWAYS,

        /**
         * Never respawn.
         */
        NEVER
    }

    /**
     * Default minimum time between two forks of the same slot.
     */
    public static final Duration MIN_INTERVAL_DEFAULT = Duration.ofMillis(500);

    /**
     * Default cap of the exponential backoff.
     */
    public static final Duration MAX_BACKOFF_DEFAULT = Duration.ofSeconds(30);

    /**
     * Default time an incarnation must be up to count as stable and reset the backoff.
     */
    public static final Duration STABLE_AFTER_DEFAULT = Duration.ofSeconds(10);

    /**
     * Default number of deaths within {@link #CRASH_LOOP_WINDOW_DEFAULT} after which a slot is given up.
     */
    public static final int CRASH_LOOP_DEATHS_DEFAULT = 5;

    /**
     * Default window in which {@link #CRASH_LOOP_DEATHS_DEFAULT} deaths give a slot up.
     */
    public static final Duration CRASH_LOOP_WINDOW_DEFAULT = Duration.ofSeconds(30);

    /**
     * {@link #escalationExitCode()} of a policy that only reports a give-up (the default).
     */
    public static final int NO_ESCALATION = 0;

    private static final RespawnPolicy ON_FAILURE = new RespawnPolicy(
        Mode.ON_FAILURE,
        MIN_INTERVAL_DEFAULT,
        MAX_BACKOFF_DEFAULT,
        STABLE_AFTER_DEFAULT,
        CRASH_LOOP_DEATHS_DEFAULT,
        CRASH_LOOP_WINDOW_DEFAULT,
        NO_ESCALATION);

    private final Mode mode;
    private final Duration minInterval;
    private final Duration maxBackoff;
    private final Duration stableAfter;
    private final int crashLoopDeaths;
    private final Duration crashLoopWindow;
    private final int escalationExitCode;

    private RespawnPolicy(
        final Mode mode,
        final Duration minInterval,
        final Duration maxBackoff,
        final Duration stableAfter,
        final int crashLoopDeaths,
        final Duration crashLoopWindow,
        final int escalationExitCode)
    {
        this.mode = mode;
        this.minInterval = minInterval;
        this.maxBackoff = maxBackoff;
        this.stableAfter = stableAfter;
        this.crashLoopDeaths = crashLoopDeaths;
        this.crashLoopWindow = crashLoopWindow;
        this.escalationExitCode = escalationExitCode;
    }

    /**
     * Respawn when the exit code is not 0, with the default throttling. The default policy of a {@link Spec}.
     *
     * @return the on-failure policy.
     */
    public static RespawnPolicy onFailure()
    {
        return ON_FAILURE;
    }

    /**
     * Respawn on every exit, with the default throttling.
     *
     * @return the always policy.
     */
    public static RespawnPolicy always()
    {
        return ON_FAILURE.mode(Mode.ALWAYS);
    }

    /**
     * Never respawn.
     *
     * @return the never policy.
     */
    public static RespawnPolicy never()
    {
        return ON_FAILURE.mode(Mode.NEVER);
    }

    /**
     * A copy with another mode.
     *
     * @param mode which exits are respawned.
     * @return a copy with {@code mode}.
     */
    public RespawnPolicy mode(final Mode mode)
    {
        if (null == mode)
        {
            throw new IllegalArgumentException("mode must not be null");
        }

        return new RespawnPolicy(
            mode, minInterval, maxBackoff, stableAfter, crashLoopDeaths, crashLoopWindow, escalationExitCode);
    }

    /**
     * A copy with another minimum time between two forks of the same slot; also the first step of the backoff.
     *
     * @param minInterval zero or more; default {@link #MIN_INTERVAL_DEFAULT}.
     * @return a copy with {@code minInterval}.
     */
    public RespawnPolicy minInterval(final Duration minInterval)
    {
        return new RespawnPolicy(
            mode, checkNotNegative("minInterval", minInterval), maxBackoff, stableAfter, crashLoopDeaths,
            crashLoopWindow, escalationExitCode);
    }

    /**
     * A copy with another cap on the exponential backoff: the k-th consecutive early death waits
     * {@code minInterval * 2^(k-1)}, at most {@code max}.
     *
     * @param max zero or more; default {@link #MAX_BACKOFF_DEFAULT}.
     * @return a copy with {@code max} as the cap.
     */
    public RespawnPolicy backoff(final Duration max)
    {
        return new RespawnPolicy(
            mode, minInterval, checkNotNegative("backoff max", max), stableAfter, crashLoopDeaths, crashLoopWindow,
            escalationExitCode);
    }

    /**
     * A copy with another time after which an incarnation counts as stable: its death resets the backoff.
     *
     * @param stableAfter zero or more; default {@link #STABLE_AFTER_DEFAULT}.
     * @return a copy with {@code stableAfter}.
     */
    public RespawnPolicy stableAfter(final Duration stableAfter)
    {
        return new RespawnPolicy(
            mode, minInterval, maxBackoff, checkNotNegative("stableAfter", stableAfter), crashLoopDeaths,
            crashLoopWindow, escalationExitCode);
    }

    /**
     * A copy with another crash-loop budget: the slot is given up at the {@code deaths}-th death within
     * {@code window}.
     *
     * @param deaths one or more; default {@link #CRASH_LOOP_DEATHS_DEFAULT}.
     * @param window more than zero; default {@link #CRASH_LOOP_WINDOW_DEFAULT}.
     * @return a copy with this budget.
     */
    public RespawnPolicy crashLoop(final int deaths, final Duration window)
    {
        if (deaths < 1)
        {
            throw new IllegalArgumentException("crashLoop deaths must be 1 or more: " + deaths);
        }

        checkNotNegative("crashLoop window", window);
        if (window.isZero())
        {
            throw new IllegalArgumentException("crashLoop window must be more than zero");
        }

        return new RespawnPolicy(mode, minInterval, maxBackoff, stableAfter, deaths, window, escalationExitCode);
    }

    /**
     * A copy that escalates when the crash-loop budget is spent, as an Erlang/OTP supervisor does when its restart
     * intensity is exceeded: the node that spawned this spec is told (its lifecycle listeners'
     * {@code onRespawnGaveUp}, its failed confirmation waits), then stops its other children, leaves the cluster
     * and exits its process with {@code exitCode}. If that node is itself a spawned worker, its own parent then
     * applies this worker's respawn policy to that exit, so the failure climbs the tree until a policy absorbs it.
     * Without it (the default) the node only reports the give-up and keeps running.
     * <p>
     * Acted on by clustr-core's nodes; a {@link Supervisor} used on its own only reports the give-up, and its
     * listener can read {@link #escalationExitCode()} from the last incarnation's spec.
     *
     * @param exitCode the spawning node's exit code, 1 to 255 (non-zero: the supervisor failed).
     * @return a copy that escalates.
     */
    public RespawnPolicy escalate(final int exitCode)
    {
        if (exitCode < 1 || exitCode > 255)
        {
            throw new IllegalArgumentException("escalate exit code must be 1 to 255 (a failure the parent sees): " +
                exitCode);
        }

        return new RespawnPolicy(
            mode, minInterval, maxBackoff, stableAfter, crashLoopDeaths, crashLoopWindow, exitCode);
    }

    /**
     * Is an exit with this code respawned (throttling and the crash-loop budget aside)?
     *
     * @param exitCode the exit code, as {@link ExitStatus#code()}.
     * @return true if the mode respawns this exit.
     */
    public boolean shouldRespawn(final int exitCode)
    {
        switch (mode)
        {
            case ALWAYS:
                return true;

            case ON_FAILURE:
                return 0 != exitCode;

            default:
                return false;
        }
    }

    /**
     * Which exits are respawned.
     *
     * @return the mode.
     */
    public Mode mode()
    {
        return mode;
    }

    /**
     * Minimum time between two forks of the same slot.
     *
     * @return the minimum interval.
     */
    public Duration minInterval()
    {
        return minInterval;
    }

    /**
     * Cap of the exponential backoff.
     *
     * @return the maximum backoff.
     */
    public Duration maxBackoff()
    {
        return maxBackoff;
    }

    /**
     * Time an incarnation must be up for its death to reset the backoff.
     *
     * @return the time after which an incarnation is stable.
     */
    public Duration stableAfter()
    {
        return stableAfter;
    }

    /**
     * Number of deaths within {@link #crashLoopWindow()} at which the slot is given up.
     *
     * @return the crash-loop death budget.
     */
    public int crashLoopDeaths()
    {
        return crashLoopDeaths;
    }

    /**
     * Window in which {@link #crashLoopDeaths()} deaths give the slot up.
     *
     * @return the crash-loop window.
     */
    public Duration crashLoopWindow()
    {
        return crashLoopWindow;
    }

    /**
     * The exit code of the spawning node when this spec's crash-loop budget is spent, see {@link #escalate(int)}.
     *
     * @return the exit code, or {@link #NO_ESCALATION} when the give-up is only reported.
     */
    public int escalationExitCode()
    {
        return escalationExitCode;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }

        if (!(o instanceof RespawnPolicy))
        {
            return false;
        }

        final RespawnPolicy that = (RespawnPolicy)o;

        return mode == that.mode &&
            crashLoopDeaths == that.crashLoopDeaths &&
            escalationExitCode == that.escalationExitCode &&
            minInterval.equals(that.minInterval) &&
            maxBackoff.equals(that.maxBackoff) &&
            stableAfter.equals(that.stableAfter) &&
            crashLoopWindow.equals(that.crashLoopWindow);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int hashCode()
    {
        return Objects.hash(
            mode, minInterval, maxBackoff, stableAfter, crashLoopDeaths, crashLoopWindow, escalationExitCode);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        if (Mode.NEVER == mode)
        {
            return "never";
        }

        return (Mode.ALWAYS == mode ? "always" : "onFailure") +
            "(minInterval=" + minInterval.toMillis() + "ms" +
            ", backoff=" + maxBackoff.toMillis() + "ms" +
            ", stableAfter=" + stableAfter.toMillis() + "ms" +
            ", crashLoop=" + crashLoopDeaths + " in " + crashLoopWindow.toMillis() + "ms" +
            (NO_ESCALATION == escalationExitCode ? "" : ", escalate=" + escalationExitCode) + ")";
    }

    private static Duration checkNotNegative(final String name, final Duration value)
    {
        if (null == value)
        {
            throw new IllegalArgumentException(name + " must not be null");
        }

        if (value.isNegative())
        {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }

        return value;
    }
}
