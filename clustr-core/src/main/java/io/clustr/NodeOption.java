package io.clustr;

/**
 * An option that applies to masters and workers alike; see {@link Options}.
 */
@FunctionalInterface
public interface NodeOption extends WorkerOption, MasterOption
{
    /**
     * Apply this option.
     *
     * @param ctx the node's context.
     */
    void applyToNode(Node.Context<?> ctx);

    /**
     * {@inheritDoc}
     */
    @Override
    default void applyTo(final Worker.Context ctx)
    {
        applyToNode(ctx);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    default void applyTo(final Master.Context ctx)
    {
        applyToNode(ctx);
    }
}
