package io.clustr;

import io.clustr.spawn.ChildState;
import io.clustr.spawn.ExitStatus;

import java.time.Duration;
import java.util.Optional;

/**
 * A member of the cluster as a node sees it, from {@link Node#workers()}.
 *
 * @param id        the member's id; 0 is the master.
 * @param parentId  id of the node that spawned it, or -1 if it was started by hand (and for the master).
 * @param group     its group; empty for the master.
 * @param name      its name (the spec's name for spawned workers).
 * @param pid       its process id.
 * @param cpus      the CPUs its process is restricted to, e.g. {@code "1"}, empty when not pinned.
 * @param pinnedCpu the CPU its duty-cycle thread holds an affinity lock on, or -1.
 * @param state     {@code ONLINE} for a member that has joined; the spawning node also sees its children while they
 *                  are {@code STARTING} or {@code STOPPING}.
 * @param restarts  how many times its spec was respawned before this incarnation.
 * @param uptime    time since its process started.
 * @param lastExit  the exit of the previous incarnation of its spec, as seen by its parent (known to the parent only).
 */
public record WorkerInfo(
    long id,
    long parentId,
    String group,
    String name,
    long pid,
    String cpus,
    int pinnedCpu,
    ChildState state,
    int restarts,
    Duration uptime,
    Optional<ExitStatus> lastExit)
{
}
