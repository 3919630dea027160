package io.clustr.spawn;

/**
 * Names of the environment variables every spawned child gets, whatever its kind (JVM or command).
 */
public final class SpawnEnvironment
{
    /**
     * The child's id, unique in the cluster and never reused.
     */
    public static final String ID = "CLUSTR_ID";

    /**
     * The child's name, {@link Spec#name()}.
     */
    public static final String NAME = "CLUSTR_NAME";

    /**
     * The CPUs the child is pinned to, in the kernel's list format ({@link CpuSet#toList()}); absent when unpinned.
     */
    public static final String CPUS = "CLUSTR_CPUS";

    /**
     * How many times the child's slot was respawned before this incarnation (0 for the first).
     */
    public static final String RESTARTS = "CLUSTR_RESTARTS";

    /**
     * The id of the spawning node, {@link Supervisor.Context#parentId(long)}; absent when none was given.
     */
    public static final String PARENT_ID = "CLUSTR_PARENT_ID";

    /**
     * The process id of the spawning process, so a child can watch it.
     */
    public static final String PARENT_PID = "CLUSTR_PARENT_PID";

    static final String[] ALL = { ID, NAME, CPUS, RESTARTS, PARENT_ID, PARENT_PID };

    private SpawnEnvironment()
    {
    }
}
