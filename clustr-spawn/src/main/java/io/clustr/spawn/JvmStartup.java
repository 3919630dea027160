package io.clustr.spawn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Start-up flags of one JVM child that depend on the state of the machine rather than on its spec (the class-data
 * archive, or the class-list dump of the training child), and what to do once that child has started.
 */
final class JvmStartup
{
    /**
     * No flags, nothing to do.
     */
    static final JvmStartup NONE = new JvmStartup(List.of(), null);

    private final List<String> jvmArgs;
    private final Consumer<Process> onStarted;

    /**
     * Flags and a start action.
     *
     * @param jvmArgs   JVM arguments put before the default ones, so that every later flag overrides them.
     * @param onStarted called with the child's process once started, or null.
     */
    JvmStartup(final List<String> jvmArgs, final Consumer<Process> onStarted)
    {
        this.jvmArgs = jvmArgs;
        this.onStarted = onStarted;
    }

    /**
     * These flags followed by the defaults.
     *
     * @param defaultJvmArgs the supervisor's default JVM arguments.
     * @return the JVM arguments of the child before its spec's own.
     */
    List<String> withDefaults(final List<String> defaultJvmArgs)
    {
        if (jvmArgs.isEmpty())
        {
            return defaultJvmArgs;
        }

        final List<String> all = new ArrayList<>(jvmArgs.size() + defaultJvmArgs.size());
        all.addAll(jvmArgs);
        all.addAll(defaultJvmArgs);

        return all;
    }

    List<String> jvmArgs()
    {
        return jvmArgs;
    }

    /**
     * The child was started.
     *
     * @param process its process.
     */
    void onStarted(final Process process)
    {
        if (null != onStarted)
        {
            onStarted.accept(process);
        }
    }
}
