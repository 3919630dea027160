package io.clustr;

import io.clustr.spawn.ChildProcess;
import io.clustr.spawn.ExitStatus;

import java.util.concurrent.CompletableFuture;

/**
 * A worker process this node spawned: one incarnation of a spec. A respawn creates a new worker with a new id and
 * a new handle.
 */
public interface WorkerHandle extends ChildProcess
{
    /**
     * Kill this worker: it runs its kill hooks and exits with {@code exitCode}, or is killed forcibly after the kill
     * grace period. Same as {@code node.killWorker(id(), exitCode)}.
     *
     * @param exitCode the code the worker exits with; 0 is never respawned.
     * @return completes with the worker's exit.
     */
    CompletableFuture<ExitStatus> kill(int exitCode);
}
