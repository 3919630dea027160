package io.clustr;

/**
 * An option for {@link Master#create(MasterOption...)}; see {@link Options}.
 */
@FunctionalInterface
public interface MasterOption
{
    /**
     * Apply this option.
     *
     * @param ctx the master's context.
     */
    void applyTo(Master.Context ctx);
}
