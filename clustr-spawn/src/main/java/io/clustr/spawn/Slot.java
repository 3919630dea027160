package io.clustr.spawn;

/**
 * One spec given to {@link Supervisor#spawn(java.util.List)} and the line of incarnations forked from it. Touched only
 * on the supervisor thread; other threads see its incarnations through the conductor's snapshot.
 */
final class Slot
{
    final Spec spec;
    final RespawnThrottle throttle;
    Child current;
    long respawnDeadlineNs = SupervisorConductor.NO_DEADLINE;
    int restarts;
    long firstId = -1;
    boolean stopped;

    Slot(final Spec spec, final RespawnThrottle throttle)
    {
        this.spec = spec;
        this.throttle = throttle;
    }

    boolean isRespawnPending()
    {
        return SupervisorConductor.NO_DEADLINE != respawnDeadlineNs;
    }
}
