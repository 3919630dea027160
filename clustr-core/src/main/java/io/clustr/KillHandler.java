package io.clustr;

/**
 * A kill hook: runs when another node (or this one) kills this node with {@code killWorker(id, exitCode)}, before
 * the node leaves the cluster and the process exits with {@code exitCode}. Hooks run in registration order on a
 * dedicated thread; the parent kills the process forcibly if they take longer than the kill grace period.
 */
@FunctionalInterface
public interface KillHandler
{
    /**
     * @param exitCode the code the process is about to exit with.
     */
    void onKill(int exitCode);
}
