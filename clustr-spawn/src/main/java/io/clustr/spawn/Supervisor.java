package io.clustr.spawn;

import io.clustr.spawn.internal.SupervisorControl;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Launches, watches and respawns child processes: JVM children (a main class run with this process's {@code java} and
 * class path) and commands.
 * <p>
 * <b>One supervisor thread.</b> Every child is forked from one long-lived daemon thread owned by the supervisor
 * ({@code clustr-supervisor}), which also reaps exits, runs the listener and keeps the respawn and kill deadlines. A
 * child is launched through {@code setpriv --pdeathsig TERM}, so the kernel sends it SIGTERM when that thread dies:
 * when this process dies, even by SIGKILL, its children follow. Public methods may be called from any thread and
 * never wait for the supervisor thread, except {@link #spawn(List)}, which waits once for its whole batch to be
 * forked, and {@link #close()}, which waits for the children to exit.
 * <p>
 * <b>Pinning.</b> A spec with CPUs runs through {@code taskset -c <cpus>}, so every thread of the child (GC and JIT
 * included) stays on them; a JVM child also gets {@code -Daffinity.reserved=<mask>} so that
 * {@link Pinning#pinCurrentThread(int)} may lock its CPU. Without {@code setpriv} or {@code taskset} (util-linux) a
 * warning is logged once and children run without a parent-death signal or unpinned.
 * <p>
 * <b>Output.</b> A child's stdout and stderr are always drained: forwarded line by line with a
 * {@code "[name#id pid] "} prefix, or written to files ({@link Output}). The last lines of stderr go in
 * {@link ExitStatus#reason()}.
 * <p>
 * <b>Respawn.</b> When a child exits, the supervisor is not closed, the child was not terminated and its
 * {@link RespawnPolicy} wants it, its slot is forked again after the throttle delay, with a new id and
 * {@link ChildProcess#restarts()} one higher; when the crash-loop budget is spent,
 * {@link SupervisorListener#onGaveUp(ChildProcess, String)} is called instead.
 * <pre>{@code
 * try (Supervisor supervisor = Supervisor.launch(new Supervisor.Context().idSupplier(ids::incrementAndGet)))
 * {
 *     supervisor.spawn(List.of(spec("com.acme.WebWorker", cpu(1)), spec("redis", command("redis-server"))));
 *     ...
 * }
 * }</pre>
 * A {@link Context} is used by one supervisor only; the supervisor owns it after {@link #launch(Context)}.
 */
public final class Supervisor implements AutoCloseable
{
    /**
     * How much longer than the longest grace {@link #close()} waits for the children before it gives up waiting.
     */
    static final long CLOSE_MARGIN_NS = TimeUnit.SECONDS.toNanos(10);

    private static final System.Logger LOGGER = System.getLogger(Supervisor.class.getName());
    private static final AtomicBoolean CLASS_PATH_WARNED = new AtomicBoolean();

    static
    {
        SupervisorControl.access(new ControlAccess());
    }

    private final Context ctx;
    private final ChildLauncher launcher;
    private final SupervisorConductor conductor;
    private final SupervisorRunner runner;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong longestGraceNs = new AtomicLong();

    private Supervisor(final Context ctx)
    {
        ctx.conclude();
        this.ctx = ctx;
        this.launcher = new ChildLauncher(ctx, new ClassDataArchive(
            ctx.classDataArchive(), ctx.classDataArchiveDir(), ctx.javaHome(), ctx.classPath()));
        this.conductor = new SupervisorConductor(
            launcher, ctx.idSupplier(), ctx.listener(), ctx.stopGrace().toNanos(), System::nanoTime);
        this.runner = new SupervisorRunner(conductor, System::nanoTime, "clustr-supervisor").start();
        this.longestGraceNs.set(ctx.stopGrace().toNanos());
    }

    /**
     * Start a supervisor: conclude the context and start the supervisor thread.
     *
     * @param ctx the configuration; owned by the supervisor from now on.
     * @return the running supervisor.
     * @throws IllegalStateException if the context is incomplete (no id supplier) or was used already.
     */
    public static Supervisor launch(final Context ctx)
    {
        if (null == ctx)
        {
            throw new IllegalArgumentException("Supervisor.Context must not be null");
        }

        return new Supervisor(ctx);
    }

    /**
     * The concluded context of this supervisor.
     *
     * @return the context.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * Launch one child per spec. All specs are checked first, so a bad one launches nothing: the list must not be
     * empty, each CPU must be one this process may use ("cpu 7 is not available: this machine's CPUs are 0-1"), each
     * command must be an executable. Then the supervisor thread forks them all, in order, in one go; the call waits
     * for that (not for the children to start up).
     *
     * @param specs what to launch.
     * @return the handles of the first incarnations, in spec order.
     * @throws IllegalArgumentException naming the problem with the specs.
     * @throws IllegalStateException    if the supervisor is closed.
     * @throws UncheckedIOException     if the operating system could not start a process; the children launched
     *                                  before it keep running and are supervised.
     */
    public List<ChildProcess> spawn(final List<Spec> specs)
    {
        if (null == specs)
        {
            throw new IllegalArgumentException("specs must not be null");
        }

        if (specs.isEmpty())
        {
            throw new IllegalArgumentException("no specs to spawn: the list is empty");
        }

        final List<Spec> checked = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++)
        {
            final Spec spec = specs.get(i);
            if (null == spec)
            {
                throw new IllegalArgumentException("spec " + i + " of " + specs.size() + " is null");
            }
            checked.add(spec);
        }

        final CpuSet allowed = CpuSet.allowed();
        for (final Spec spec : checked)
        {
            launcher.validate(spec, allowed);
        }

        if (closed.get())
        {
            throw SupervisorConductor.closedException();
        }

        if (conductor.isConductorThread())
        {
            return conductor.spawnNow(checked);
        }

        return awaitForks(conductor.spawn(checked));
    }

    /**
     * The current incarnation with this id: running, or exited and waiting for its respawn.
     *
     * @param id the child's id.
     * @return the child, or null if no current incarnation has this id.
     */
    public ChildProcess child(final long id)
    {
        return find(id);
    }

    /**
     * The children that have not exited, one per live slot, in spawn order.
     *
     * @return a snapshot of the running children.
     */
    public List<ChildProcess> children()
    {
        final List<Child> snapshot = conductor.snapshot();
        final List<ChildProcess> children = new ArrayList<>(snapshot.size());
        for (final Child child : snapshot)
        {
            if (child.isAlive())
            {
                children.add(child);
            }
        }

        return Collections.unmodifiableList(children);
    }

    /**
     * Move a child from {@link ChildState#STARTING} to {@link ChildState#ONLINE} (clustr-core calls it when the worker
     * joins). Does nothing in any other state or for an unknown id.
     *
     * @param id the child's id.
     * @see SupervisorControl#markOnline(Supervisor, long)
     */
    void markOnline(final long id)
    {
        final Child child = find(id);
        if (null != child)
        {
            child.markOnline();
        }
    }

    /**
     * The child was asked to exit (e.g. by a kill message): it becomes {@link ChildState#STOPPING} and is sent SIGKILL
     * if still alive after {@code grace}. Its exit is respawned or not by its policy, as any exit. An earlier deadline
     * is kept. Does nothing for a child that has exited or an unknown id.
     *
     * @param id    the child's id.
     * @param grace how long it has to exit by itself.
     * @see SupervisorControl#expectExit(Supervisor, long, Duration)
     */
    void expectExit(final long id, final Duration grace)
    {
        expectExit(id, Child.NO_EXPECTED_CODE, false, grace);
    }

    /**
     * As {@link #expectExit(long, Duration)}, knowing the code the child was asked to exit with: when it exits with
     * exactly that code, {@link ExitStatus#signal()} is 0 even for codes above 128; when it has to be killed, the
     * respawn decision is made on {@code code} (what was asked) rather than on the kill.
     *
     * @param id    the child's id.
     * @param code  the exit code the child was asked to use.
     * @param grace how long it has to exit by itself.
     * @see SupervisorControl#expectExit(Supervisor, long, int, Duration)
     */
    void expectExit(final long id, final int code, final Duration grace)
    {
        expectExit(id, code, true, grace);
    }

    /**
     * Stop a child: SIGTERM now, SIGKILL (to it and its descendants) if still alive after {@code grace}. The slot is
     * not respawned; if it was waiting for a respawn, that is cancelled. Does nothing for an unknown id. Returns at
     * once: the child is {@link ChildState#STOPPING} when it returns, the signal is sent by the supervisor thread.
     *
     * @param id    the child's id.
     * @param grace how long it has to exit after SIGTERM.
     */
    public void terminate(final long id, final Duration grace)
    {
        final long graceNs = graceNs(grace);
        if (conductor.isTerminated())
        {
            return;
        }

        final Child child = find(id);
        if (null != child)
        {
            child.markStopping();
        }
        conductor.terminate(id, graceNs);
    }

    /**
     * Has {@link #close()} been called?
     *
     * @return true once closing has begun.
     */
    public boolean isClosed()
    {
        return closed.get();
    }

    /**
     * Respawn nothing more and stop every child: those with an {@link #expectExit(long, Duration)} deadline keep it,
     * the others get {@link #terminate(long, Duration) terminate(id, stopGrace)}. Blocks until all have exited (and
     * the listener has been told) and the supervisor thread has ended, but never longer than the longest grace given
     * plus {@link #CLOSE_MARGIN_NS} (SIGKILL after the grace ends every child; a process the kernel cannot kill is
     * then left with a warning). Idempotent. Called from a listener (on the supervisor thread) it starts the same
     * shutdown without waiting for it.
     */
    @Override
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            conductor.close();
        }

        if (conductor.isConductorThread())
        {
            return;
        }

        final long boundNs = saturatedAdd(longestGraceNs.get(), CLOSE_MARGIN_NS);
        if (!runner.awaitTermination(boundNs))
        {
            LOGGER.log(
                System.Logger.Level.WARNING,
                "clustr: supervisor closed without waiting longer for its children: still running after " +
                TimeUnit.NANOSECONDS.toMillis(boundNs) + " ms: " + children());
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "Supervisor{children=" + children().size() + ", closed=" + closed.get() + "}";
    }

    private void expectExit(final long id, final int code, final boolean withCode, final Duration grace)
    {
        final long graceNs = graceNs(grace);
        if (conductor.isTerminated())
        {
            return;
        }

        final Child child = find(id);
        if (null != child && child.isAlive())
        {
            child.markStopping();
        }
        conductor.expectExit(id, code, withCode, graceNs);
    }

    private void retire(final long id, final int code, final Duration grace)
    {
        final long graceNs = graceNs(grace);
        if (conductor.isTerminated())
        {
            return;
        }

        final Child child = find(id);
        if (null != child && child.isAlive())
        {
            child.markStopping();
        }
        conductor.retire(id, code, graceNs);
    }

    private Child find(final long id)
    {
        for (final Child child : conductor.snapshot())
        {
            if (child.id() == id)
            {
                return child;
            }
        }

        return null;
    }

    private long graceNs(final Duration grace)
    {
        if (null == grace || grace.isNegative())
        {
            throw new IllegalArgumentException("grace must be zero or more: " + grace);
        }

        final long graceNs = toNanosSaturated(grace);
        longestGraceNs.accumulateAndGet(graceNs, Math::max);

        return graceNs;
    }

    private static long toNanosSaturated(final Duration duration)
    {
        try
        {
            return duration.toNanos();
        }
        catch (final ArithmeticException ex)
        {
            return Long.MAX_VALUE;
        }
    }

    private static long saturatedAdd(final long a, final long b)
    {
        final long sum = a + b;

        return sum < a ? Long.MAX_VALUE : sum;
    }

    private static List<ChildProcess> awaitForks(final CompletableFuture<List<ChildProcess>> forks)
    {
        boolean interrupted = false;
        try
        {
            while (true)
            {
                try
                {
                    return forks.get();
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
                catch (final ExecutionException ex)
                {
                    throw rethrow(ex.getCause());
                }
            }
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static RuntimeException rethrow(final Throwable cause)
    {
        if (cause instanceof RuntimeException)
        {
            throw (RuntimeException)cause;
        }

        if (cause instanceof Error)
        {
            throw (Error)cause;
        }

        throw new CompletionException(cause);
    }

    /**
     * What {@link SupervisorControl} may do: the calls only clustr-core needs.
     */
    private static final class ControlAccess implements SupervisorControl.Access
    {
        /**
         * {@inheritDoc}
         */
        @Override
        public void markOnline(final Supervisor supervisor, final long id)
        {
            supervisor.markOnline(id);
        }

        /**
         * {@inheritDoc}
         */
        @Override
        public void expectExit(
            final Supervisor supervisor, final long id, final int code, final boolean withCode, final Duration grace)
        {
            supervisor.expectExit(id, code, withCode, grace);
        }

        /**
         * {@inheritDoc}
         */
        @Override
        public void retire(final Supervisor supervisor, final long id, final int code, final Duration grace)
        {
            supervisor.retire(id, code, grace);
        }
    }

    /**
     * Configuration of a {@link Supervisor}: fluent accessors without get/set prefixes; {@link #conclude()} fills the
     * defaults and checks. Defaults come from {@link Configuration} (system properties).
     */
    public static final class Context
    {
        private final AtomicBoolean concluded = new AtomicBoolean();
        private LongSupplier idSupplier;
        private ChildEnvironment environment;
        private SupervisorListener listener;
        private String javaHome = System.getProperty("java.home");
        private String classPath = System.getProperty("java.class.path");
        private List<String> defaultJvmArgs = Configuration.defaultJvmArgs();
        private Duration stopGrace = Configuration.stopGrace();
        private PrintStream out;
        private PrintStream err;
        private long parentId = Configuration.NULL_ID;
        private boolean parentDeathSignal = Configuration.parentDeathSignal();
        private boolean classDataArchive = Configuration.classDataArchive();
        private Path classDataArchiveDir = Configuration.classDataArchiveDir();

        /**
         * Fill the defaults and check the values. Called by {@link Supervisor#launch(Context)}; runs once.
         *
         * @return this for a fluent API.
         * @throws IllegalStateException if called twice or when {@link #idSupplier(LongSupplier)} is missing.
         */
        public Context conclude()
        {
            if (!concluded.compareAndSet(false, true))
            {
                throw new IllegalStateException(
                    "Supervisor.Context is already concluded: a context is used by one Supervisor only");
            }

            if (null == idSupplier)
            {
                throw new IllegalStateException(
                    "Supervisor.Context.idSupplier(...) is required: it gives the children their ids, unique and " +
                    "never reused (clustr-core uses Aeron.nextCorrelationId)");
            }

            if (null == javaHome || javaHome.isBlank())
            {
                throw new IllegalStateException("Supervisor.Context.javaHome is blank and java.home is not set");
            }

            if (null == classPath)
            {
                classPath = "";
            }

            if (classPath.contains("plexus-classworlds") && CLASS_PATH_WARNED.compareAndSet(false, true))
            {
                LOGGER.log(
                    System.Logger.Level.WARNING,
                    "clustr: the class path is Maven's launcher (mvn exec:java?): JVM children will not find their " +
                    "main class. Run the parent with java -cp, or set Supervisor.Context.classPath");
            }

            if (null == stopGrace || stopGrace.isNegative())
            {
                throw new IllegalStateException("Supervisor.Context.stopGrace must be zero or more: " + stopGrace);
            }

            if (null == environment)
            {
                environment = (spec, id, restarts) -> null;
            }

            if (null == listener)
            {
                listener = new SupervisorListener()
                {
                };
            }

            if (null == classDataArchiveDir)
            {
                classDataArchiveDir = Configuration.classDataArchiveDir();
            }

            if (null == defaultJvmArgs)
            {
                defaultJvmArgs = Configuration.defaultJvmArgs();
            }

            if (null == out)
            {
                out = System.out;
            }

            if (null == err)
            {
                err = System.err;
            }

            return this;
        }

        /**
         * Source of the children's ids. Required. Called on the supervisor thread for every fork, respawns included.
         *
         * @param idSupplier gives ids unique in the cluster and never reused.
         * @return this for a fluent API.
         */
        public Context idSupplier(final LongSupplier idSupplier)
        {
            this.idSupplier = idSupplier;
            return this;
        }

        /**
         * Source of the children's ids.
         *
         * @return the id supplier.
         */
        public LongSupplier idSupplier()
        {
            return idSupplier;
        }

        /**
         * Extra environment for each fork (clustr-core adds its {@code CLUSTR_*} variables).
         *
         * @param environment the extra environment; null for none.
         * @return this for a fluent API.
         */
        public Context environment(final ChildEnvironment environment)
        {
            this.environment = environment;
            return this;
        }

        /**
         * Extra environment for each fork.
         *
         * @return the extra environment.
         */
        public ChildEnvironment environment()
        {
            return environment;
        }

        /**
         * Listener of the children's lifecycle events, called on the supervisor thread.
         *
         * @param listener the listener; null for none.
         * @return this for a fluent API.
         */
        public Context listener(final SupervisorListener listener)
        {
            this.listener = listener;
            return this;
        }

        /**
         * Listener of the children's lifecycle events.
         *
         * @return the listener.
         */
        public SupervisorListener listener()
        {
            return listener;
        }

        /**
         * The Java home whose {@code bin/java} runs JVM children; default {@code System.getProperty("java.home")}.
         *
         * @param javaHome the Java home directory.
         * @return this for a fluent API.
         */
        public Context javaHome(final String javaHome)
        {
            this.javaHome = javaHome;
            return this;
        }

        /**
         * The Java home whose {@code bin/java} runs JVM children.
         *
         * @return the Java home directory.
         */
        public String javaHome()
        {
            return javaHome;
        }

        /**
         * Class path of JVM children; default {@code System.getProperty("java.class.path")}.
         *
         * @param classPath the class path.
         * @return this for a fluent API.
         */
        public Context classPath(final String classPath)
        {
            this.classPath = classPath;
            return this;
        }

        /**
         * Class path of JVM children.
         *
         * @return the class path.
         */
        public String classPath()
        {
            return classPath;
        }

        /**
         * JVM arguments given to every JVM child before its spec's own; default
         * {@link Configuration#DEFAULT_JVM_ARGS} plus {@link Configuration#JVM_ARGS_PROP_NAME}.
         *
         * @param defaultJvmArgs the JVM arguments, none null; null for the default.
         * @return this for a fluent API.
         * @see Configuration#JVM_ARGS_PROP_NAME
         */
        public Context defaultJvmArgs(final List<String> defaultJvmArgs)
        {
            if (null != defaultJvmArgs)
            {
                for (final String arg : defaultJvmArgs)
                {
                    if (null == arg)
                    {
                        throw new IllegalArgumentException("defaultJvmArgs must not hold null: " + defaultJvmArgs);
                    }
                }
            }

            this.defaultJvmArgs = null == defaultJvmArgs ? null : List.copyOf(defaultJvmArgs);
            return this;
        }

        /**
         * JVM arguments given to every JVM child before its spec's own.
         *
         * @return the JVM arguments.
         */
        public List<String> defaultJvmArgs()
        {
            return defaultJvmArgs;
        }

        /**
         * How long {@link Supervisor#close()} lets a child exit after SIGTERM before SIGKILL; default 5 s.
         *
         * @param stopGrace zero or more.
         * @return this for a fluent API.
         * @see Configuration#STOP_GRACE_PROP_NAME
         */
        public Context stopGrace(final Duration stopGrace)
        {
            this.stopGrace = stopGrace;
            return this;
        }

        /**
         * How long {@link Supervisor#close()} lets a child exit after SIGTERM before SIGKILL.
         *
         * @return the stop grace.
         */
        public Duration stopGrace()
        {
            return stopGrace;
        }

        /**
         * Where forwarded stdout lines go; default {@code System.out}.
         *
         * @param out the stream.
         * @return this for a fluent API.
         */
        public Context out(final PrintStream out)
        {
            this.out = out;
            return this;
        }

        /**
         * Where forwarded stdout lines go.
         *
         * @return the stream.
         */
        public PrintStream out()
        {
            return out;
        }

        /**
         * Where forwarded stderr lines go; default {@code System.err}.
         *
         * @param err the stream.
         * @return this for a fluent API.
         */
        public Context err(final PrintStream err)
        {
            this.err = err;
            return this;
        }

        /**
         * Where forwarded stderr lines go.
         *
         * @return the stream.
         */
        public PrintStream err()
        {
            return err;
        }

        /**
         * Id of the spawning node, written to each child's environment as {@link SpawnEnvironment#PARENT_ID}; default
         * {@link Configuration#NULL_ID}: not written.
         *
         * @param parentId the id of the node that owns this supervisor.
         * @return this for a fluent API.
         */
        public Context parentId(final long parentId)
        {
            this.parentId = parentId;
            return this;
        }

        /**
         * Id of the spawning node.
         *
         * @return the parent id, or {@link Configuration#NULL_ID}.
         */
        public long parentId()
        {
            return parentId;
        }

        /**
         * Launch children through {@code setpriv --pdeathsig TERM} so they get SIGTERM when this process dies; default
         * true. Turn it off only for children meant to outlive their parent.
         *
         * @param parentDeathSignal true to use the parent-death signal.
         * @return this for a fluent API.
         * @see Configuration#PARENT_DEATH_SIGNAL_PROP_NAME
         */
        public Context parentDeathSignal(final boolean parentDeathSignal)
        {
            this.parentDeathSignal = parentDeathSignal;
            return this;
        }

        /**
         * Are children launched with a parent-death signal?
         *
         * @return true if children get SIGTERM when this process dies.
         */
        public boolean parentDeathSignal()
        {
            return parentDeathSignal;
        }

        /**
         * Give JVM children a class-data-sharing archive of their classes (made once per JVM and class path, in the
         * background, by the first JVM child's class list): they start faster and use less memory. Default true.
         *
         * @param classDataArchive false to start every JVM child without an archive.
         * @return this for a fluent API.
         * @see Configuration#CDS_PROP_NAME
         */
        public Context classDataArchive(final boolean classDataArchive)
        {
            this.classDataArchive = classDataArchive;
            return this;
        }

        /**
         * Do JVM children get a class-data-sharing archive?
         *
         * @return true if they do.
         */
        public boolean classDataArchive()
        {
            return classDataArchive;
        }

        /**
         * Where the class-data archives live: a directory private to the user (created {@code rwx------}; one that
         * others may write to is refused). Default {@code ${java.io.tmpdir}/clustr-cds-${user.name}}.
         *
         * @param classDataArchiveDir the directory; null for the default.
         * @return this for a fluent API.
         * @see Configuration#CDS_DIR_PROP_NAME
         */
        public Context classDataArchiveDir(final Path classDataArchiveDir)
        {
            this.classDataArchiveDir = classDataArchiveDir;
            return this;
        }

        /**
         * Where the class-data archives live.
         *
         * @return the directory.
         */
        public Path classDataArchiveDir()
        {
            return classDataArchiveDir;
        }
    }

    /**
     * System property names and defaults of a {@link Context}, Aeron style.
     */
    public static final class Configuration
    {
        /**
         * The id meaning "none" (no parent id to write).
         */
        public static final long NULL_ID = -1;

        /**
         * How long a child has between SIGTERM and SIGKILL on close: a duration such as {@code 5s} or {@code 500ms}
         * (a bare number is nanoseconds).
         */
        public static final String STOP_GRACE_PROP_NAME = "clustr.spawn.stop.grace";

        /**
         * Default of {@link #STOP_GRACE_PROP_NAME}: 5 s.
         */
        public static final long STOP_GRACE_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);

        /**
         * Extra JVM arguments for every JVM child, separated by blanks, appended to {@link #DEFAULT_JVM_ARGS}.
         */
        public static final String JVM_ARGS_PROP_NAME = "clustr.spawn.jvm.args";

        /**
         * Whether children get SIGTERM when this process dies ({@code setpriv --pdeathsig TERM}): true or false.
         */
        public static final String PARENT_DEATH_SIGNAL_PROP_NAME = "clustr.spawn.parent.death.signal";

        /**
         * Default of {@link #PARENT_DEATH_SIGNAL_PROP_NAME}: true.
         */
        public static final boolean PARENT_DEATH_SIGNAL_DEFAULT = true;

        /**
         * Whether JVM children get a class-data-sharing (AppCDS) archive: true or false.
         */
        public static final String CDS_PROP_NAME = "clustr.spawn.cds";

        /**
         * Default of {@link #CDS_PROP_NAME}: true.
         */
        public static final boolean CDS_DEFAULT = true;

        /**
         * Directory of the class-data-sharing archives; default {@code ${java.io.tmpdir}/clustr-cds-${user.name}}.
         */
        public static final String CDS_DIR_PROP_NAME = "clustr.spawn.cds.dir";

        /**
         * The {@code --add-opens} flags Agrona 2.x and Aeron need on Java 17 (without them an Aeron process dies at
         * class init). Read from {@code io/clustr/spawn/add-opens.args} in clustr-spawn's jar, a copy the build makes
         * of {@code config/jvm/add-opens.args}, the one place the project lists them.
         */
        public static final List<String> ADD_OPENS_JVM_ARGS = ArgFile.readResource(ArgFile.ADD_OPENS_RESOURCE);

        /**
         * JVM arguments of every JVM child: {@link #ADD_OPENS_JVM_ARGS} plus small-footprint flags that cost nothing
         * on the message path:
         * <ul>
         *     <li>{@code -XX:+UseSerialGC}: no parallel GC worker threads (fewer threads fighting for few cores);</li>
         *     <li>{@code -Xms16m}: start with a small heap instead of 1/64 of the machine's memory, so the young
         *     generation, and the resident memory it touches before the first collection, stays small (the heap
         *     still grows to the usual maximum; left out when a spec's own JVM arguments size the heap, so
         *     {@code jvmArgs("-Xmx8m")} works);</li>
         *     <li>{@code -XX:-UsePerfData}: no {@code /tmp/hsperfdata_<user>/<pid>} file, which a SIGKILLed child
         *     would leave behind, and a slightly faster start ({@code jcmd <pid>} still works).</li>
         *     <li>{@code -Djava.util.logging.SimpleFormatter.format=...}: platform log records (System.Logger, JUL)
         *     on one line, so each forwarded line carries its child's prefix.</li>
         * </ul>
         * Measured on a 2-core machine (JDK 17, a child that loads the affinity library, allocates 300 MB of garbage
         * and keeps 100k strings): resident memory 64 MB with the add-opens alone, 52 MB with these flags; 19 threads
         * down to 14 for an idle child; start-up unchanged within noise (about 60 ms for a bare JVM).
         * <p>
         * <b>Start-up.</b> Before these flags the supervisor puts the class-data archive
         * ({@code -XX:SharedArchiveFile=<archive> -Xshare:auto}, see {@link Context#classDataArchive(boolean)}),
         * the one start-up change kept. Measured with {@code SpawnStartupMain} (clustr-spawn's test harness: a child
         * that connects to an embedded media driver, adds a publication and a subscription and prints "ready";
         * spawn-to-ready of one child, of eight at once, VmRSS after 1 s idle; 7 interleaved rounds, medians; the
         * children run from jars; a 2-core machine shared with other builds, so only the ratios count; details in
         * docs/spawning.md):
         * <ul>
         *     <li>without archive: one 286 ms, eight 2535 ms, 43 MiB (at load 8 to 15: 435 ms, 3330 ms, 44 MiB);</li>
         *     <li>with the archive: one 194 ms, eight 1405 ms, 36 MiB (347 ms, 2340 ms, 36 MiB). CPU time of one
         *     start (user + sys of {@code java} started directly, averages of three series of 5 or 6 runs): 390 ms
         *     without, 168 to 216 ms with it;</li>
         *     <li>{@code -XX:TieredStopAtLevel=1} on top: one 194 ms, eight 1315 ms, 34 MiB (248 ms, 2063 ms,
         *     34 MiB), but it caps the JIT at C1, slower code on the message path for the life of the worker:
         *     rejected;</li>
         *     <li>at load 8 to 15, {@code -XX:CompileThresholdScaling=3} on top: one 268 ms, eight 1645 ms,
         *     34 MiB (140 ms of CPU per start instead of 168): the JIT compiles the hot path three times later, a
         *     warm-up cost in every worker: rejected as a default ({@link #JVM_ARGS_PROP_NAME} can add it);</li>
         *     <li>at load 8 to 15, {@code -Xss512k -XX:ReservedCodeCacheSize=32m -XX:CICompilerCount=2
         *     -XX:MaxMetaspaceSize=64m}: one 312 ms, eight 2496 ms, 36 MiB, no gain (the JVM reserves those sizes,
         *     it does not touch them); {@code -Xmn4m}: no change in resident memory: rejected.</li>
         *     <li>children run from class directories get a JDK-only archive: one 280 to 259 ms, eight 2537 to
         *     2376 ms, 47 to 42 MiB.</li>
         * </ul>
         */
        public static final List<String> DEFAULT_JVM_ARGS = concat(
            ADD_OPENS_JVM_ARGS,
            List.of(
                "-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%6$s%n",
                "-XX:+UseSerialGC",
                "-Xms16m",
                "-XX:-UsePerfData"));

        private Configuration()
        {
        }

        private static List<String> concat(final List<String> first, final List<String> second)
        {
            final List<String> all = new ArrayList<>(first);
            all.addAll(second);

            return List.copyOf(all);
        }

        /**
         * {@link #DEFAULT_JVM_ARGS} followed by the blank-separated {@link #JVM_ARGS_PROP_NAME} property.
         *
         * @return the default JVM arguments of a JVM child.
         */
        public static List<String> defaultJvmArgs()
        {
            final String extra = System.getProperty(JVM_ARGS_PROP_NAME);
            if (null == extra || extra.isBlank())
            {
                return DEFAULT_JVM_ARGS;
            }

            final List<String> args = new ArrayList<>(DEFAULT_JVM_ARGS);
            args.addAll(List.of(extra.trim().split("\\s+")));

            return List.copyOf(args);
        }

        /**
         * {@link #STOP_GRACE_PROP_NAME}, or its default.
         *
         * @return the stop grace.
         */
        public static Duration stopGrace()
        {
            return Duration.ofNanos(parseDurationNs(STOP_GRACE_PROP_NAME, System.getProperty(STOP_GRACE_PROP_NAME),
                STOP_GRACE_DEFAULT_NS));
        }

        /**
         * {@link #CDS_PROP_NAME}, or its default.
         *
         * @return true if JVM children get a class-data-sharing archive.
         */
        public static boolean classDataArchive()
        {
            final String value = System.getProperty(CDS_PROP_NAME);

            return null == value ? CDS_DEFAULT : Boolean.parseBoolean(value.trim());
        }

        /**
         * {@link #CDS_DIR_PROP_NAME}, or its default.
         *
         * @return the directory of the class-data-sharing archives.
         */
        public static Path classDataArchiveDir()
        {
            final String value = System.getProperty(CDS_DIR_PROP_NAME);
            if (null != value && !value.isBlank())
            {
                return Path.of(value.trim());
            }

            return Path.of(System.getProperty("java.io.tmpdir"), "clustr-cds-" + System.getProperty("user.name"));
        }

        /**
         * {@link #PARENT_DEATH_SIGNAL_PROP_NAME}, or its default.
         *
         * @return true if children get SIGTERM when this process dies.
         */
        public static boolean parentDeathSignal()
        {
            final String value = System.getProperty(PARENT_DEATH_SIGNAL_PROP_NAME);

            return null == value ? PARENT_DEATH_SIGNAL_DEFAULT : Boolean.parseBoolean(value.trim());
        }

        static long parseDurationNs(final String propName, final String value, final long defaultNs)
        {
            if (null == value || value.isBlank())
            {
                return defaultNs;
            }

            final String text = value.trim().toLowerCase();
            int end = 0;
            while (end < text.length() && Character.isDigit(text.charAt(end)))
            {
                end++;
            }

            try
            {
                final long amount = Long.parseLong(text.substring(0, end));
                final String unit = text.substring(end).trim();
                switch (unit)
                {
                    case "":
                    case "ns":
                        return amount;

                    case "us":
                        return TimeUnit.MICROSECONDS.toNanos(amount);

                    case "ms":
                        return TimeUnit.MILLISECONDS.toNanos(amount);

                    case "s":
                        return TimeUnit.SECONDS.toNanos(amount);

                    case "m":
                        return TimeUnit.MINUTES.toNanos(amount);

                    default:
                        throw new NumberFormatException("unknown unit '" + unit + "'");
                }
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(
                    propName + "=" + value + " is not a duration such as 5s, 500ms, 100us or 10ns", ex);
            }
        }
    }
}
