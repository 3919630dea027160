package io.clustr.spawn;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Launches, watches and respawns child processes: JVM children (a main class run with this process's {@code java} and
 * class path) and commands.
 * <p>
 * <b>One supervisor thread.</b> Every child is forked from one long-lived daemon thread owned by the supervisor
 * ({@code clustr-supervisor}), which also reaps exits, runs the listener and the timers. A child is launched through
 * {@code setpriv --pdeathsig TERM}, so the kernel sends it SIGTERM when that thread dies: when this process dies,
 * even by SIGKILL, its children follow. Public methods may be called from any thread; those that change state hand
 * the work to the supervisor thread and wait for it (or run inline when called from a listener).
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
    private static final System.Logger LOGGER = System.getLogger(Supervisor.class.getName());
    private static final AtomicBoolean SETPRIV_WARNED = new AtomicBoolean();
    private static final AtomicBoolean TASKSET_WARNED = new AtomicBoolean();
    private static final AtomicBoolean CLASS_PATH_WARNED = new AtomicBoolean();
    private static final long DRAIN_AFTER_EXIT_TIMEOUT_MS = 1000;

    private final Context ctx;
    private final ScheduledThreadPoolExecutor executor;
    private final Thread thread;
    private final List<Slot> slots = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> allExited = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String javaExecutable;
    private final String setprivPath;
    private final String tasksetPath;
    private int liveChildren;

    private Supervisor(final Context ctx)
    {
        ctx.conclude();
        this.ctx = ctx;
        this.javaExecutable = LaunchCommand.javaExecutable(ctx.javaHome());
        this.setprivPath = ctx.parentDeathSignal() ?
            LaunchCommand.findExecutable("setpriv", System.getenv("PATH")) : null;
        this.tasksetPath = LaunchCommand.findExecutable("taskset", System.getenv("PATH"));

        final Thread[] created = new Thread[1];
        executor = new ScheduledThreadPoolExecutor(
            1,
            (runnable) ->
            {
                final Thread t = new Thread(runnable, "clustr-supervisor");
                t.setDaemon(true);
                created[0] = t;
                return t;
            });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.prestartCoreThread();
        this.thread = created[0];

        if (ctx.parentDeathSignal() && null == setprivPath && SETPRIV_WARNED.compareAndSet(false, true))
        {
            LOGGER.log(
                System.Logger.Level.WARNING,
                "clustr: setpriv (util-linux) not found on the PATH: children will not be signalled when this " +
                "process dies and may outlive it");
        }
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
     * command must be an executable. Then the children are forked in order from the supervisor thread.
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
            validate(spec, allowed);
        }

        checkNotClosed();

        return callOnSupervisor(() -> launchAll(checked));
    }

    /**
     * The current incarnation with this id: running, or exited and waiting for its respawn.
     *
     * @param id the child's id.
     * @return the child, or null if no current incarnation has this id.
     */
    public ChildProcess child(final long id)
    {
        final Slot slot = slotOf(id);

        return null == slot ? null : slot.current;
    }

    /**
     * The children that have not exited, one per live slot, in spawn order.
     *
     * @return a snapshot of the running children.
     */
    public List<ChildProcess> children()
    {
        final List<ChildProcess> children = new ArrayList<>(slots.size());
        for (final Slot slot : slots)
        {
            final Child child = slot.current;
            if (null != child && child.isAlive())
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
     */
    public void markOnline(final long id)
    {
        final Slot slot = slotOf(id);
        if (null != slot)
        {
            slot.current.markOnline();
        }
    }

    /**
     * The child was asked to exit (e.g. by a kill message): it becomes {@link ChildState#STOPPING} and is sent SIGKILL
     * if still alive after {@code grace}. Its exit is respawned or not by its policy, as any exit. An earlier deadline
     * is kept. Does nothing for a child that has exited or an unknown id.
     *
     * @param id    the child's id.
     * @param grace how long it has to exit by itself.
     */
    public void expectExit(final long id, final Duration grace)
    {
        expectExit(id, Child.NO_EXPECTED_CODE, grace, false);
    }

    /**
     * As {@link #expectExit(long, Duration)}, knowing the code the child was asked to exit with: when it exits with
     * exactly that code, {@link ExitStatus#signal()} is 0 even for codes above 128; when it has to be killed, the
     * respawn decision is made on {@code code} (what was asked) rather than on the kill.
     *
     * @param id    the child's id.
     * @param code  the exit code the child was asked to use.
     * @param grace how long it has to exit by itself.
     */
    public void expectExit(final long id, final int code, final Duration grace)
    {
        expectExit(id, code, grace, true);
    }

    /**
     * Stop a child: SIGTERM now, SIGKILL (to it and its descendants) if still alive after {@code grace}. The slot is
     * not respawned; if it was waiting for a respawn, that is cancelled. Does nothing for an unknown id.
     *
     * @param id    the child's id.
     * @param grace how long it has to exit after SIGTERM.
     */
    public void terminate(final long id, final Duration grace)
    {
        checkGrace(grace);
        runOnSupervisor(() ->
        {
            final Slot slot = slotOf(id);
            if (null != slot)
            {
                slot.stopped = true;
                if (cancelRespawn(slot))
                {
                    slots.remove(slot);
                }
                else
                {
                    stop(slot.current, grace);
                }
            }
        });
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
     * the listener has been told), then stops the supervisor thread. Idempotent. Called from a listener (on the
     * supervisor thread) it starts the same shutdown without waiting for it.
     */
    @Override
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            runOnSupervisor(this::onClose);
        }

        if (Thread.currentThread() == thread)
        {
            return;
        }

        allExited.join();
        boolean interrupted = false;
        while (true)
        {
            try
            {
                if (executor.awaitTermination(1, TimeUnit.MINUTES))
                {
                    break;
                }
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }

        if (interrupted)
        {
            Thread.currentThread().interrupt();
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

    private void validate(final Spec spec, final CpuSet allowed)
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

    private List<ChildProcess> launchAll(final List<Spec> specs)
    {
        checkNotClosed();
        final List<ChildProcess> launched = new ArrayList<>(specs.size());
        for (final Spec spec : specs)
        {
            final Slot slot = new Slot(spec, new RespawnThrottle(spec.respawnPolicy(), System::nanoTime));
            launched.add(fork(slot, 0, Optional.empty()));
            slots.add(slot);
        }

        return Collections.unmodifiableList(launched);
    }

    private Child fork(final Slot slot, final int restarts, final Optional<ExitStatus> lastExit)
    {
        final Spec spec = slot.spec;
        final long id = ctx.idSupplier().getAsLong();
        if (!spec.cpus().isEmpty() && null == tasksetPath && TASKSET_WARNED.compareAndSet(false, true))
        {
            LOGGER.log(
                System.Logger.Level.WARNING,
                "clustr: taskset (util-linux) not found on the PATH: children with cpu(...) run unpinned");
        }

        final ProcessBuilder builder = new ProcessBuilder(
            LaunchCommand.build(spec, javaExecutable, ctx.classPath(), ctx.defaultJvmArgs(), setprivPath, tasksetPath));
        environment(builder.environment(), spec, id, restarts);

        final Optional<Path> dir = spec.output().directory();
        Path errFile = null;
        if (dir.isPresent())
        {
            final String base = spec.name() + "-" + id;
            errFile = dir.get().resolve(base + ".err");
            builder.redirectOutput(dir.get().resolve(base + ".out").toFile());
            builder.redirectError(errFile.toFile());
        }

        slot.throttle.onFork();
        final Instant startTime = Instant.now();
        final long startNs = System.nanoTime();
        final Process process;
        try
        {
            process = builder.start();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start " + spec.name() + " (" + spec + "): " + ex.getMessage(), ex);
        }

        closeQuietly(process);
        final Child child = new Child(slot, id, restarts, lastExit, process, startTime, startNs);
        if (dir.isPresent())
        {
            child.errFile = errFile;
        }
        else
        {
            final String prefix = spec.output().isPrefixed() ? "[" + child.label() + "] " : "";
            child.outPump = new OutputPump(process.getInputStream(), ctx.out(), prefix, 0)
                .start("clustr-out-" + child.label());
            child.errPump = new OutputPump(process.getErrorStream(), ctx.err(), prefix, OutputPump.TAIL_LINES)
                .start("clustr-err-" + child.label());
        }

        slot.current = child;
        liveChildren++;

        final CompletableFuture<Void> drained = null == child.outPump ?
            CompletableFuture.completedFuture(null) :
            CompletableFuture.allOf(child.outPump.done(), child.errPump.done());
        process.onExit()
            .thenCompose((p) -> drained.completeOnTimeout(null, DRAIN_AFTER_EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            .whenComplete((v, ex) -> executor.execute(safely(() -> onProcessExit(child))));

        try
        {
            ctx.listener().onFork(child);
        }
        catch (final Throwable ex)
        {
            logListenerError("onFork", ex);
        }

        return child;
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
        if (Configuration.NULL_ID != ctx.parentId())
        {
            env.put(SpawnEnvironment.PARENT_ID, Long.toString(ctx.parentId()));
        }

        if (!spec.cpus().isEmpty())
        {
            env.put(SpawnEnvironment.CPUS, spec.cpus().toList());
        }

        final Map<String, String> extra = ctx.environment().environmentFor(spec, id, restarts);
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

    private void onProcessExit(final Child child)
    {
        final int exitValue = child.process().exitValue();
        if (null != child.killTimer)
        {
            child.killTimer.cancel(false);
            child.killTimer = null;
        }

        final boolean exitedByItself = Child.NO_EXPECTED_CODE != child.expectedCode &&
            exitValue == child.expectedCode && !child.forceKilled;
        final ExitStatus status = ExitStatus.fromExitValue(exitValue, exitedByItself, child.stderrTail());
        child.markExited(status, System.nanoTime());
        liveChildren--;

        final Slot slot = child.slot;
        boolean willRespawn = false;
        long delayNs = 0;
        String gaveUpReason = null;
        if (!closed.get() && !slot.stopped)
        {
            final int decisionCode = child.forceKilled && Child.NO_EXPECTED_CODE != child.expectedCode ?
                child.expectedCode : exitValue;
            if (slot.spec.respawnPolicy().shouldRespawn(decisionCode))
            {
                delayNs = slot.throttle.onDeath();
                if (RespawnThrottle.GIVE_UP == delayNs)
                {
                    gaveUpReason = slot.throttle.gaveUpReason() + "; last exit: " + status.reason();
                }
                else
                {
                    willRespawn = true;
                }
            }
        }

        try
        {
            ctx.listener().onExit(child, status, willRespawn);
        }
        catch (final Throwable ex)
        {
            logListenerError("onExit", ex);
        }

        child.completeExit(status);

        if (willRespawn)
        {
            slot.pendingRespawn = executor.schedule(safely(() -> respawn(slot)), delayNs, TimeUnit.NANOSECONDS);
        }
        else
        {
            slots.remove(slot);
            if (null != gaveUpReason)
            {
                gaveUp(child, gaveUpReason);
            }
        }

        checkAllExited();
    }

    private void respawn(final Slot slot)
    {
        slot.pendingRespawn = null;
        if (closed.get() || slot.stopped)
        {
            slots.remove(slot);
            return;
        }

        final Child last = slot.current;
        try
        {
            fork(slot, slot.restarts + 1, last.exitStatus());
            slot.restarts++;
        }
        catch (final RuntimeException ex)
        {
            LOGGER.log(System.Logger.Level.WARNING, "clustr: respawning " + slot.spec.name() + " failed", ex);
            final long delayNs = slot.throttle.onDeath();
            if (RespawnThrottle.GIVE_UP == delayNs)
            {
                slots.remove(slot);
                gaveUp(last, "could not fork: " + ex.getMessage() + "; " + slot.throttle.gaveUpReason());
            }
            else
            {
                slot.pendingRespawn = executor.schedule(safely(() -> respawn(slot)), delayNs, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void gaveUp(final Child last, final String reason)
    {
        LOGGER.log(System.Logger.Level.WARNING, "clustr: gave up " + last.label() + ": " + reason);
        try
        {
            ctx.listener().onGaveUp(last, reason);
        }
        catch (final Throwable ex)
        {
            logListenerError("onGaveUp", ex);
        }
    }

    private void expectExit(final long id, final int code, final Duration grace, final boolean withCode)
    {
        checkGrace(grace);
        runOnSupervisor(() ->
        {
            final Slot slot = slotOf(id);
            if (null != slot && slot.current.isAlive())
            {
                final Child child = slot.current;
                child.markStopping();
                if (withCode)
                {
                    child.expectedCode = code;
                }
                scheduleKill(child, grace);
            }
        });
    }

    private void stop(final Child child, final Duration grace)
    {
        if (child.isAlive())
        {
            child.markStopping();
            child.process().destroy();
            scheduleKill(child, grace);
        }
    }

    private void scheduleKill(final Child child, final Duration grace)
    {
        final long graceNs = grace.toNanos();
        final long deadlineNs = System.nanoTime() + graceNs;
        if (null != child.killTimer)
        {
            if (child.killDeadlineNs - deadlineNs <= 0)
            {
                return;
            }
            child.killTimer.cancel(false);
        }

        child.killDeadlineNs = deadlineNs;
        child.killTimer = executor.schedule(safely(() -> forceKill(child)), graceNs, TimeUnit.NANOSECONDS);
    }

    private void forceKill(final Child child)
    {
        final Process process = child.process();
        if (process.isAlive())
        {
            child.forceKilled = true;
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private void onClose()
    {
        for (final Slot slot : slots)
        {
            slot.stopped = true;
            if (cancelRespawn(slot))
            {
                slots.remove(slot);
            }
            else
            {
                final Child child = slot.current;
                if (child.isAlive())
                {
                    if (null == child.killTimer)
                    {
                        stop(child, ctx.stopGrace());
                    }
                }
                else
                {
                    slots.remove(slot);
                }
            }
        }

        checkAllExited();
    }

    private void checkAllExited()
    {
        if (closed.get() && 0 == liveChildren && !allExited.isDone())
        {
            allExited.complete(null);
            executor.shutdown();
        }
    }

    private boolean cancelRespawn(final Slot slot)
    {
        if (null != slot.pendingRespawn)
        {
            slot.pendingRespawn.cancel(false);
            slot.pendingRespawn = null;
            return true;
        }

        return false;
    }

    private Slot slotOf(final long id)
    {
        for (final Slot slot : slots)
        {
            final Child child = slot.current;
            if (null != child && child.id() == id)
            {
                return slot;
            }
        }

        return null;
    }

    private void checkNotClosed()
    {
        if (closed.get())
        {
            throw new IllegalStateException("supervisor is closed: it spawns nothing more");
        }
    }

    private static void checkGrace(final Duration grace)
    {
        if (null == grace || grace.isNegative())
        {
            throw new IllegalArgumentException("grace must be zero or more: " + grace);
        }
    }

    /**
     * Run a task on the supervisor thread and wait for it; once the supervisor thread has stopped (closed, every child
     * exited) there is nothing left to act on and the task is dropped.
     */
    private void runOnSupervisor(final Runnable task)
    {
        if (executor.isShutdown() && Thread.currentThread() != thread)
        {
            return;
        }

        try
        {
            callOnSupervisor(() ->
            {
                task.run();
                return null;
            });
        }
        catch (final ClosedException ignore)
        {
            // closed meanwhile: every child has exited
        }
    }

    private <T> T callOnSupervisor(final Supplier<T> task)
    {
        if (Thread.currentThread() == thread)
        {
            return task.get();
        }

        final Future<T> future;
        try
        {
            future = executor.submit(task::get);
        }
        catch (final RejectedExecutionException ex)
        {
            throw new ClosedException();
        }

        boolean interrupted = false;
        try
        {
            while (true)
            {
                try
                {
                    return future.get();
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
                catch (final ExecutionException ex)
                {
                    final Throwable cause = ex.getCause();
                    if (cause instanceof RuntimeException)
                    {
                        throw (RuntimeException)cause;
                    }

                    if (cause instanceof Error)
                    {
                        throw (Error)cause;
                    }

                    throw new IllegalStateException(cause);
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

    private static Runnable safely(final Runnable task)
    {
        return () ->
        {
            try
            {
                task.run();
            }
            catch (final Throwable ex)
            {
                LOGGER.log(System.Logger.Level.ERROR, "clustr: supervisor task failed", ex);
            }
        };
    }

    private static void logListenerError(final String callback, final Throwable ex)
    {
        LOGGER.log(System.Logger.Level.WARNING, "clustr: SupervisorListener." + callback + " threw", ex);
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

    private static final class ClosedException extends IllegalStateException
    {
        private static final long serialVersionUID = 1L;

        ClosedException()
        {
            super("supervisor is closed: it spawns nothing more");
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
            if (null != defaultJvmArgs && defaultJvmArgs.contains(null))
            {
                throw new IllegalArgumentException("defaultJvmArgs must not hold null: " + defaultJvmArgs);
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
         * The {@code --add-opens} flags Agrona 2.x and Aeron need on Java 17 (without them an Aeron process dies at
         * class init).
         */
        public static final List<String> ADD_OPENS_JVM_ARGS = List.of(
            "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.util.zip=ALL-UNNAMED");

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
         * {@code -XX:TieredStopAtLevel=1} saved 5 MB more but caps the JIT at C1, slower on the hot path: left out.
         */
        public static final List<String> DEFAULT_JVM_ARGS = List.of(
            "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.util.zip=ALL-UNNAMED",
            "-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%6$s%n",
            "-XX:+UseSerialGC",
            "-Xms16m",
            "-XX:-UsePerfData");

        private Configuration()
        {
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
