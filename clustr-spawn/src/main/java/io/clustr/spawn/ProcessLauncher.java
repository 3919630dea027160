package io.clustr.spawn;

/**
 * Starts the process of one incarnation. {@link ChildLauncher} is the real one; the conductor's unit tests give it
 * fake processes.
 */
interface ProcessLauncher
{
    /**
     * Start the process of one incarnation of a spec, with its output wired. Called on the supervisor thread only.
     *
     * @param spec     what to run (already checked).
     * @param id       the incarnation's id.
     * @param restarts how many times the slot was respawned before.
     * @return the started process.
     * @throws java.io.UncheckedIOException if the operating system could not start it.
     * @throws IllegalArgumentException     if the environment callback gave a null name or value.
     */
    LaunchedProcess launch(Spec spec, long id, int restarts);
}
