package io.clustr.spawn;

import java.util.concurrent.ScheduledFuture;

/**
 * One spec given to {@link Supervisor#spawn(java.util.List)} and the line of incarnations forked from it. Touched only
 * on the supervisor thread, except {@link #current}, which readers on other threads see through its volatile.
 */
final class Slot
{
    final Spec spec;
    final RespawnThrottle throttle;
    volatile Child current;
    ScheduledFuture<?> pendingRespawn;
    int restarts;
    boolean stopped;

    Slot(final Spec spec, final RespawnThrottle throttle)
    {
        this.spec = spec;
        this.throttle = throttle;
    }
}
