package io.clustr.spawn.internal;

import io.clustr.spawn.ChildState;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.Supervisor;

import java.time.Duration;

/**
 * Internal to clustr, not API: the calls on a {@link Supervisor} that only clustr-core makes, because they follow
 * cluster events the supervisor cannot see (a worker joined; a worker was sent a kill). Each one records the event
 * and returns at once; the supervisor thread acts on it.
 */
public final class SupervisorControl
{
    private static volatile Access access;

    private SupervisorControl()
    {
    }

    /**
     * Move a child from {@link ChildState#STARTING} to {@link ChildState#ONLINE}: the worker has joined the cluster.
     * Does nothing in any other state or for an unknown id.
     *
     * @param supervisor the child's supervisor.
     * @param id         the child's id.
     */
    public static void markOnline(final Supervisor supervisor, final long id)
    {
        access(supervisor).markOnline(supervisor, id);
    }

    /**
     * The child was asked to exit with {@code code} (a kill message): it becomes {@link ChildState#STOPPING} and is
     * sent SIGKILL if still alive after {@code grace} (an earlier deadline is kept). When it exits with exactly that
     * code, {@link ExitStatus#signal()} is 0 even for codes above 128; when it has to be killed, the respawn decision
     * is made on {@code code}. Does nothing for a child that has exited or an unknown id.
     *
     * @param supervisor the child's supervisor.
     * @param id         the child's id.
     * @param code       the exit code the child was asked to use.
     * @param grace      how long it has to exit by itself.
     * @throws IllegalArgumentException if grace is null or negative.
     */
    public static void expectExit(final Supervisor supervisor, final long id, final int code, final Duration grace)
    {
        access(supervisor).expectExit(supervisor, id, code, true, grace);
    }

    /**
     * As {@link #expectExit(Supervisor, long, int, Duration)} without a known exit code: the respawn decision is made
     * on the exit as seen.
     *
     * @param supervisor the child's supervisor.
     * @param id         the child's id.
     * @param grace      how long it has to exit by itself.
     * @throws IllegalArgumentException if grace is null or negative.
     */
    public static void expectExit(final Supervisor supervisor, final long id, final Duration grace)
    {
        access(supervisor).expectExit(supervisor, id, 0, false, grace);
    }

    /**
     * As {@link #expectExit(Supervisor, long, int, Duration)}, and the child's slot is done: its exit is never
     * respawned, whatever its policy (the old worker of a rolling restart, or one scaled away).
     *
     * @param supervisor the child's supervisor.
     * @param id         the child's id.
     * @param code       the exit code the child was asked to use.
     * @param grace      how long it has to exit by itself.
     * @throws IllegalArgumentException if grace is null or negative.
     */
    public static void retire(final Supervisor supervisor, final long id, final int code, final Duration grace)
    {
        access(supervisor).retire(supervisor, id, code, grace);
    }

    /**
     * Install the bridge to the supervisor's package-private side. Called once, by {@link Supervisor}'s class
     * initialisation; any other caller, or a second call, is refused.
     *
     * @param bridge the supervisor's implementation.
     * @throws IllegalStateException if not called by {@link Supervisor} or called twice.
     */
    public static synchronized void access(final Access bridge)
    {
        final Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        if (Supervisor.class != caller || null != access)
        {
            throw new IllegalStateException("SupervisorControl.access is for io.clustr.spawn.Supervisor only");
        }

        access = bridge;
    }

    private static Access access(final Supervisor supervisor)
    {
        if (null == supervisor)
        {
            throw new IllegalArgumentException("supervisor must not be null");
        }

        return access;
    }

    /**
     * The supervisor's side of {@link SupervisorControl}; implemented by {@link Supervisor} only.
     */
    public interface Access
    {
        /**
         * See {@link SupervisorControl#markOnline(Supervisor, long)}.
         *
         * @param supervisor the child's supervisor.
         * @param id         the child's id.
         */
        void markOnline(Supervisor supervisor, long id);

        /**
         * See {@link SupervisorControl#expectExit(Supervisor, long, int, Duration)}.
         *
         * @param supervisor the child's supervisor.
         * @param id         the child's id.
         * @param code       the exit code asked for, when {@code withCode}.
         * @param withCode   true when the code is known.
         * @param grace      how long it has to exit by itself.
         */
        void expectExit(Supervisor supervisor, long id, int code, boolean withCode, Duration grace);

        /**
         * See {@link SupervisorControl#retire(Supervisor, long, int, Duration)}.
         *
         * @param supervisor the child's supervisor.
         * @param id         the child's id.
         * @param code       the exit code asked for.
         * @param grace      how long it has to exit by itself.
         */
        void retire(Supervisor supervisor, long id, int code, Duration grace);
    }
}
