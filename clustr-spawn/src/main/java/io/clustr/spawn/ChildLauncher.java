package io.clustr.spawn;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Checks specs and starts their processes: the command line ({@link LaunchCommand}), the environment
 * ({@link SpawnEnvironment} variables, the context's {@link ChildEnvironment}, the spec's own), and the output
 * (forwarded through two {@link OutputPump}s, or redirected to files). Knows nothing of slots, timers or respawns.
 */
final class ChildLauncher implements ProcessLauncher
{
    private static final System.Logger LOGGER = System.getLogger(Supervisor.class.getName());
    private static final AtomicBoolean SETPRIV_WARNED = new AtomicBoolean();
    private static final AtomicBoolean TASKSET_WARNED = new AtomicBoolean();

    private final String javaExecutable;
    private final String classPath;
    private final List<String> defaultJvmArgs;
    private final String setprivPath;
    private final String tasksetPath;
    private final ChildEnvironment environment;
    private final long parentId;
    private final PrintStream out;
    private final PrintStream err;
    private final ClassDataArchive classDataArchive;

    /**
     * A launcher for the children of one supervisor.
     *
     * @param ctx              the concluded context.
     * @param classDataArchive the class-data archive of the JVM children.
     */
    ChildLauncher(final Supervisor.Context ctx, final ClassDataArchive classDataArchive)
    {
        this.javaExecutable = LaunchCommand.javaExecutable(ctx.javaHome());
        this.classPath = ctx.classPath();
        this.defaultJvmArgs = ctx.defaultJvmArgs();
        this.setprivPath = ctx.parentDeathSignal() ?
            LaunchCommand.findExecutable("setpriv", System.getenv("PATH")) : null;
        this.tasksetPath = LaunchCommand.findExecutable("taskset", System.getenv("PATH"));
        this.environment = ctx.environment();
        this.parentId = ctx.parentId();
        this.out = ctx.out();
        this.err = ctx.err();
        this.classDataArchive = classDataArchive;

        if (ctx.parentDeathSignal() && null == setprivPath && SETPRIV_WARNED.compareAndSet(false, true))
        {
            LOGGER.log(
                System.Logger.Level.WARNING,
                "clustr: setpriv (util-linux) not found on the PATH: children will not be signalled when this " +
                "process dies and may outlive it");
        }
    }

    /**
     * Check a spec before anything of its batch is launched.
     *
     * @param spec    the spec.
     * @param allowed the CPUs this process may use.
     * @throws IllegalArgumentException naming the problem.
     */
    void validate(final Spec spec, final CpuSet allowed)
    {
        final CpuSet missing = allowed.missingFrom(spec.cpus());
        if (!missing.isEmpty())
        {
            final String what = 1 == missing.size() ?
                "cpu " + missing.toList() + " is not" : "cpus " + missing.toList() + " are not";
            throw new IllegalArgumentException(
                what + " available: this machine's CPUs are " + allowed.toList() + " (spec " + spec.name() + ")");
        }

        if (spec.isCommand())
        {
            final String executable = spec.command().get(0);
            if (null == LaunchCommand.findExecutable(executable, LaunchCommand.searchPath(spec)))
            {
                throw new IllegalArgumentException(
                    "command '" + executable + "' of spec " + spec.name() +
                    (executable.indexOf('/') >= 0 ? " is not an executable file" : " was not found on the PATH"));
            }
        }
        else if (!Files.isExecutable(Path.of(javaExecutable)))
        {
            throw new IllegalArgumentException(
                "java not found at " + javaExecutable + " (Supervisor.Context.javaHome) for spec " + spec.name());
        }

        final Optional<Path> dir = spec.output().directory();
        if (dir.isPresent())
        {
            try
            {
                Files.createDirectories(dir.get());
            }
            catch (final IOException ex)
            {
                throw new IllegalArgumentException(
                    "cannot create output directory " + dir.get() + " of spec " + spec.name() + ": " + ex, ex);
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public LaunchedProcess launch(final Spec spec, final long id, final int restarts)
    {
        if (!spec.cpus().isEmpty() && null == tasksetPath && TASKSET_WARNED.compareAndSet(false, true))
        {
            LOGGER.log(
                System.Logger.Level.WARNING,
                "clustr: taskset (util-linux) not found on the PATH: children with cpu(...) run unpinned");
        }

        final JvmStartup startup = spec.isCommand() ? JvmStartup.NONE : classDataArchive.flags();
        final ProcessBuilder builder = new ProcessBuilder(LaunchCommand.build(
            spec, javaExecutable, classPath, startup.withDefaults(defaultJvmArgs), setprivPath, tasksetPath));
        environment(builder.environment(), spec, id, restarts);

        final Output output = spec.output();
        final Optional<Path> dir = output.directory();
        Path errFile = null;
        if (output.isWrittenByChild())
        {
            final String base = spec.name() + "-" + id;
            errFile = dir.get().resolve(base + ".err");
            builder.redirectOutput(dir.get().resolve(base + ".out").toFile());
            builder.redirectError(errFile.toFile());
        }

        final Process process;
        try
        {
            process = builder.start();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start " + spec.name() + " (" + spec + "): " + ex.getMessage(), ex);
        }

        startup.onStarted(process);
        closeQuietly(process);
        if (output.isWrittenByChild())
        {
            return new LaunchedProcess(process, null, null, errFile);
        }

        final String label = LaunchedProcess.label(spec.name(), id, process.pid());
        final LineSink outSink;
        final LineSink errSink;
        if (output.isRotated())
        {
            final String base = spec.name() + "-" + id;
            outSink = new RotatingFile(dir.get().resolve(base + Output.OUT_SUFFIX), label + " stdout",
                output.maxBytes(), output.keep(), output.hasTimestamps());
            errSink = new RotatingFile(dir.get().resolve(base + Output.ERR_SUFFIX), label + " stderr",
                output.maxBytes(), output.keep(), output.hasTimestamps());
        }
        else
        {
            final String prefix = output.isPrefixed() ? "[" + label + "] " : "";
            outSink = new ForwardSink(out, prefix, output.hasTimestamps());
            errSink = new ForwardSink(err, prefix, output.hasTimestamps());
        }

        final OutputPump outPump = new OutputPump(label + " stdout", process.getInputStream(), outSink, 0)
            .start("clustr-out-" + label);
        final OutputPump errPump = new OutputPump(
            label + " stderr", process.getErrorStream(), errSink, OutputPump.TAIL_LINES)
            .start("clustr-err-" + label);

        return new LaunchedProcess(process, outPump, errPump, null);
    }

    private void environment(final Map<String, String> env, final Spec spec, final long id, final int restarts)
    {
        for (final String name : SpawnEnvironment.ALL)
        {
            env.remove(name);
        }

        env.put(SpawnEnvironment.ID, Long.toString(id));
        env.put(SpawnEnvironment.NAME, spec.name());
        env.put(SpawnEnvironment.RESTARTS, Integer.toString(restarts));
        env.put(SpawnEnvironment.PARENT_PID, Long.toString(ProcessHandle.current().pid()));
        if (Supervisor.Configuration.NULL_ID != parentId)
        {
            env.put(SpawnEnvironment.PARENT_ID, Long.toString(parentId));
        }

        if (!spec.cpus().isEmpty())
        {
            env.put(SpawnEnvironment.CPUS, spec.cpus().toList());
        }

        final Map<String, String> extra = environment.environmentFor(spec, id, restarts);
        if (null != extra)
        {
            for (final Map.Entry<String, String> e : extra.entrySet())
            {
                if (null == e.getKey() || null == e.getValue())
                {
                    throw new IllegalArgumentException(
                        "ChildEnvironment gave a null name or value for " + spec.name() + ": " + e);
                }
                env.put(e.getKey(), e.getValue());
            }
        }

        env.putAll(spec.env());
    }

    private static void closeQuietly(final Process process)
    {
        try
        {
            process.getOutputStream().close();
        }
        catch (final IOException ignore)
        {
            // the child reads end-of-file on stdin either way
        }
    }
}
