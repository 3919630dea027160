package io.clustr.spawn;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the command line of a child:
 * {@code [setpriv --pdeathsig TERM --] [taskset -c <cpus>] <java> <defaultJvmArgs> [-Daffinity.reserved=<mask>]
 * <spec.jvmArgs> -cp <classPath> <mainClass> <spec.args>}, or the spec's command in place of the java part.
 * Both wrappers exec the next program, so the child's pid is the pid of the JVM (or command) itself. A default
 * initial heap size is left out when the spec's JVM arguments size the heap.
 */
final class LaunchCommand
{
    static final String AFFINITY_RESERVED_PROP = "affinity.reserved";

    /**
     * CPUs at or above this cannot go in {@code -Daffinity.reserved}: Java-Thread-Affinity parses it as a long.
     */
    static final int AFFINITY_RESERVED_CPU_LIMIT = 63;

    private LaunchCommand()
    {
    }

    static List<String> build(
        final Spec spec,
        final String javaExecutable,
        final String classPath,
        final List<String> defaultJvmArgs,
        final String setprivPath,
        final String tasksetPath)
    {
        final List<String> cmd = new ArrayList<>();
        if (null != setprivPath)
        {
            cmd.add(setprivPath);
            cmd.add("--pdeathsig");
            cmd.add("TERM");
            cmd.add("--");
        }

        final CpuSet cpus = spec.cpus();
        if (!cpus.isEmpty() && null != tasksetPath)
        {
            cmd.add(tasksetPath);
            cmd.add("-c");
            cmd.add(cpus.toList());
        }

        if (spec.isCommand())
        {
            cmd.addAll(spec.command());
        }
        else
        {
            cmd.add(javaExecutable);
            final boolean specSizesHeap = setsHeapSize(spec.jvmArgs());
            for (final String arg : defaultJvmArgs)
            {
                if (!(specSizesHeap && isInitialHeapSize(arg)))
                {
                    cmd.add(arg);
                }
            }
            if (!cpus.isEmpty() && cpus.toArray()[cpus.size() - 1] < AFFINITY_RESERVED_CPU_LIMIT)
            {
                cmd.add("-D" + AFFINITY_RESERVED_PROP + "=" + cpus.toHexMask());
            }
            cmd.addAll(spec.jvmArgs());
            cmd.add("-cp");
            cmd.add(classPath);
            cmd.add(spec.mainClass());
        }

        cmd.addAll(spec.args());

        return cmd;
    }

    /**
     * A default initial heap ({@code -Xms16m}) gives way when the spec sizes the heap itself: with {@code -Xmx8m} it
     * would stop the JVM from starting ("Initial heap size set to a larger value than the maximum heap size").
     */
    private static boolean setsHeapSize(final List<String> jvmArgs)
    {
        for (final String arg : jvmArgs)
        {
            if (isInitialHeapSize(arg) || arg.startsWith("-Xmx") || arg.startsWith("-XX:MaxHeapSize="))
            {
                return true;
            }
        }

        return false;
    }

    private static boolean isInitialHeapSize(final String arg)
    {
        return arg.startsWith("-Xms") || arg.startsWith("-XX:InitialHeapSize=");
    }

    static String javaExecutable(final String javaHome)
    {
        return javaHome + File.separator + "bin" + File.separator + "java";
    }

    /**
     * Find an executable the way a shell would: a name with a {@code '/'} is a path, otherwise it is searched in
     * {@code PATH}.
     *
     * @param name the executable's name or path.
     * @param path the {@code PATH} to search, may be null.
     * @return the executable's path, or null if not found.
     */
    static String findExecutable(final String name, final String path)
    {
        if (name.indexOf('/') >= 0)
        {
            return Files.isExecutable(Path.of(name)) && !Files.isDirectory(Path.of(name)) ? name : null;
        }

        if (null == path)
        {
            return null;
        }

        for (final String dir : path.split(File.pathSeparator))
        {
            if (!dir.isEmpty())
            {
                final Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate))
                {
                    return candidate.toString();
                }
            }
        }

        return null;
    }

    /**
     * The {@code PATH} a spec's command is looked up in: its own {@code env("PATH", ...)} if given, else the parent's.
     *
     * @param spec the spec.
     * @return the search path.
     */
    static String searchPath(final Spec spec)
    {
        final Map<String, String> env = spec.env();
        final String own = env.get("PATH");

        return null != own ? own : System.getenv("PATH");
    }
}
