package io.clustr;

/**
 * An option for {@link Worker#create(WorkerOption...)}; see {@link Options}.
 */
@FunctionalInterface
public interface WorkerOption
{
    /**
     * Apply this option.
     *
     * @param ctx the worker's context.
     */
    void applyTo(Worker.Context ctx);
}
