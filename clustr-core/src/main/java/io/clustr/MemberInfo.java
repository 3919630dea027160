package io.clustr;

/**
 * What a node knows of a cluster member, from the member's join.
 *
 * @param id          the member's id, unique in the cluster and never reused.
 * @param parentId    the id of the node that spawned it, or -1 if no clustr node did.
 * @param pid         its process id.
 * @param restarts    how many times its spec had been respawned when it started (0 on a first start).
 * @param pinnedCpu   the CPU its duty-cycle thread is pinned to, or -1.
 * @param startTimeMs when it started, in epoch milliseconds.
 * @param group       its group.
 * @param name        its name (its spec's name, or its main class).
 * @param cpus        the CPUs it may run on, as the kernel reported them when it joined (for example "1,3").
 */
public record MemberInfo(
    long id,
    long parentId,
    long pid,
    int restarts,
    int pinnedCpu,
    long startTimeMs,
    String group,
    String name,
    String cpus)
{
}
