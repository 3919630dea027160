package io.clustr.spawn;

/**
 * Where one incarnation of a child is in its life.
 */
public enum ChildState
{
    /**
     * Forked, not yet reported online.
     */
    STARTING,

    /**
     * Reported online with {@link Supervisor#markOnline(long)} (clustr-core does it when the worker joins).
     */
    ONLINE,

    /**
     * Asked to exit: {@link Supervisor#expectExit(long, java.time.Duration)},
     * {@link Supervisor#terminate(long, java.time.Duration)} or {@link Supervisor#close()}.
     */
    STOPPING,

    /**
     * The process has exited; {@link ChildProcess#exitStatus()} says how.
     */
    EXITED
}
