package io.clustr.bench.clustr;

import io.clustr.Worker;

import static io.clustr.Options.group;

/**
 * An idle clustr worker: joins, confirms ready, and then does nothing until it is killed or its parent goes away.
 * Used for spawn time, idle RSS and idle CPU.
 */
public final class ClustrIdleWorker
{
    private ClustrIdleWorker()
    {
    }

    /**
     * Entry point (spawned by {@link ClustrBenchMaster}).
     *
     * @param args none.
     */
    public static void main(final String[] args)
    {
        final Worker worker = Worker.create(group(ClustrBench.IDLE_GROUP));
        worker.confirm(ClustrBench.READY);
        // The worker's duty-cycle thread keeps the JVM alive until the worker is killed or closed.
    }
}
