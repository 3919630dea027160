package io.clustr.spawn;

/**
 * Lifecycle events of the children of a {@link Supervisor}. Called on the supervisor thread, which also forks and
 * reaps: implementations hand off quickly and never block. An exception thrown here is logged and does not stop the
 * supervisor.
 */
public interface SupervisorListener
{
    /**
     * A child was forked: a first start or a respawn ({@link ChildProcess#restarts()} tells which).
     *
     * @param child the new incarnation.
     */
    default void onFork(final ChildProcess child)
    {
    }

    /**
     * A child exited. Called before {@link ChildProcess#onExit()} completes.
     *
     * @param child       the incarnation that exited.
     * @param status      how it exited.
     * @param willRespawn true if its slot will be forked again (after the throttle delay).
     */
    default void onExit(final ChildProcess child, final ExitStatus status, final boolean willRespawn)
    {
    }

    /**
     * A slot was given up: its crash-loop budget is spent ({@link RespawnPolicy#crashLoop(int,
     * java.time.Duration)}) or it could no longer be forked. Nothing more is forked for it.
     *
     * @param lastIncarnation the last incarnation of the slot (already exited).
     * @param reason          human text saying why.
     */
    default void onGaveUp(final ChildProcess lastIncarnation, final String reason)
    {
    }
}
