package io.clustr.spawn;

import java.util.Map;

/**
 * Extra environment variables for each fork, computed per incarnation (clustr-core adds its {@code CLUSTR_*} variables:
 * Aeron directory, channel, and so on). Called on the supervisor thread before every fork; it must not block.
 */
@FunctionalInterface
public interface ChildEnvironment
{
    /**
     * The variables to add to the environment of one fork. They override the parent's environment and the
     * {@link SpawnEnvironment} variables; {@link Spec#env()} overrides them.
     *
     * @param spec     the spec being forked.
     * @param id       the id of the new incarnation.
     * @param restarts how many times the slot was respawned before this incarnation.
     * @return the variables to add, or null for none.
     */
    Map<String, String> environmentFor(Spec spec, long id, int restarts);
}
