package io.clustr.bench;

import io.clustr.spawn.ChildProcess;
import io.clustr.spawn.Output;
import io.clustr.spawn.RespawnPolicy;
import io.clustr.spawn.SpawnOption;
import io.clustr.spawn.Spec;
import io.clustr.spawn.Supervisor;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.jvmArgs;
import static io.clustr.spawn.SpawnOption.name;
import static io.clustr.spawn.SpawnOption.output;
import static io.clustr.spawn.SpawnOption.respawn;
import static io.clustr.spawn.Spec.spec;

/**
 * Every process the bench starts, launched, drained and reaped by one clustr-spawn {@link Supervisor}: no respawn,
 * output forwarded with clustr-spawn's {@code "[name#id pid] "} prefix into a {@link PrintStream} that routes each
 * line by that id to the child's {@link ChildLog}. Children get exactly the JVM arguments the bench gives (the
 * supervisor's own defaults are turned off), so raw Aeron and the clustr masters run with the same flags. Children
 * die with the orchestrator even when it is SIGKILLed (clustr-spawn's parent-death signal).
 */
final class BenchProcesses implements AutoCloseable
{
    /**
     * How long a child has between SIGTERM and SIGKILL.
     */
    static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Path logDir;
    private final Supervisor supervisor;
    private final Map<Long, ChildLog> logs = new ConcurrentHashMap<>();
    private final Set<BenchChild> live = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    BenchProcesses(final Path logDir)
    {
        this.logDir = logDir;
        final AtomicLong ids = new AtomicLong();
        final Charset charset = Charset.defaultCharset();
        this.supervisor = Supervisor.launch(new Supervisor.Context()
            .idSupplier(ids::incrementAndGet)
            .defaultJvmArgs(new ArrayList<>()) // not List.of(): its contains(null) throws in the Context's check
            .out(new PrintStream(new LineRouter(false, charset), true, charset))
            .err(new PrintStream(new LineRouter(true, charset), true, charset)));
    }

    /**
     * Start a JVM with the parent's {@code java} and class path.
     *
     * @param name      for its log file and the supervisor's prefix.
     * @param mainClass class to run.
     * @param jvmArgs   all its JVM arguments.
     * @param args      its arguments.
     * @return the running child.
     */
    BenchChild java(final String name, final String mainClass, final List<String> jvmArgs, final List<String> args)
    {
        return java(name, mainClass, jvmArgs, args, -1);
    }

    /**
     * Start a JVM with the parent's {@code java} and class path, every thread of it on one CPU (clustr-spawn's
     * {@code cpu(n)}), or unpinned.
     *
     * @param name      for its log file and the supervisor's prefix.
     * @param mainClass class to run.
     * @param jvmArgs   all its JVM arguments.
     * @param args      its arguments.
     * @param cpu       the CPU, or -1 for none.
     * @return the running child.
     */
    BenchChild java(
        final String name, final String mainClass, final List<String> jvmArgs, final List<String> args, final int cpu)
    {
        final List<SpawnOption> options = new ArrayList<>(List.of(
            name(name),
            jvmArgs(jvmArgs.toArray(new String[0])),
            args(args.toArray(new String[0])),
            respawn(RespawnPolicy.never()),
            output(Output.forward().withTimestamps(false))));
        if (cpu >= 0)
        {
            options.add(SpawnOption.cpu(cpu));
        }

        return start(spec(mainClass, options.toArray(new SpawnOption[0])));
    }

    /**
     * Start any command.
     *
     * @param name    for its log file and the supervisor's prefix.
     * @param command the executable and its arguments.
     * @return the running child.
     */
    BenchChild command(final String name, final List<String> command)
    {
        return start(spec(
            name,
            SpawnOption.command(command.toArray(new String[0])),
            respawn(RespawnPolicy.never()),
            output(Output.forward().withTimestamps(false))));
    }

    /**
     * Stop every child still running and wait for them (each gets {@link #STOP_GRACE}, all at once).
     */
    void stopAll()
    {
        final List<BenchChild> children = new ArrayList<>(live);
        children.forEach(BenchChild::stop);
        children.forEach(BenchChild::awaitStopped);
    }

    /**
     * Stop every child, then the supervisor; close the logs. Idempotent.
     */
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            stopAll();
            supervisor.close();
            logs.values().forEach(ChildLog::close);
        }
    }

    void onStopped(final BenchChild child)
    {
        live.remove(child);
    }

    private BenchChild start(final Spec spec)
    {
        if (closed.get())
        {
            throw new IllegalStateException("the bench is closing: not starting " + spec.name());
        }

        final ChildProcess process = supervisor.spawn(List.of(spec)).get(0);
        final ChildLog log = log(process.id(), spec.name());
        log.note("spawned " + process.label() + " by clustr-spawn from " + spec);
        final BenchChild child = new BenchChild(this, supervisor, process, log);
        live.add(child);
        process.onExit().thenAccept((status) -> log.note("exit: " + status.reason()));
        return child;
    }

    private ChildLog log(final long id, final String name)
    {
        return logs.computeIfAbsent(id, (k) -> new ChildLog(logDir, id, name));
    }

    /**
     * Routes a line forwarded by clustr-spawn, {@code "[name#id pid] text"} (timestamps off), to its child's log.
     */
    private void route(final String line, final boolean stderr)
    {
        final int end = line.startsWith("[") ? line.indexOf("] ") : -1;
        final int hash = end > 0 ? line.indexOf('#') : -1;
        final int space = hash > 0 && hash < end ? line.indexOf(' ', hash) : -1;
        if (space > 0 && space < end)
        {
            try
            {
                final long id = Long.parseLong(line.substring(hash + 1, space));
                final long pid = Long.parseLong(line.substring(space + 1, end));
                log(id, line.substring(1, hash)).line(line.substring(end + 2), stderr, pid);
                return;
            }
            catch (final NumberFormatException ignore)
            {
                // not clustr-spawn's prefix after all: reported below
            }
        }

        System.err.println("# child output without clustr-spawn's [name#id pid] prefix: " + line);
    }

    /**
     * The stream under the supervisor's {@code out} or {@code err}: cuts what is written into lines. clustr-spawn
     * writes each forwarded line with one {@code println} on the {@link PrintStream}, which holds its lock for the
     * whole line, so the lines of different children never interleave here.
     */
    private final class LineRouter extends OutputStream
    {
        private final boolean stderr;
        private final Charset charset;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream(256);

        LineRouter(final boolean stderr, final Charset charset)
        {
            this.stderr = stderr;
            this.charset = charset;
        }

        /**
         * {@inheritDoc}
         */
        public synchronized void write(final int b)
        {
            if ('\n' == b)
            {
                final String line = pending.toString(charset);
                pending.reset();
                route(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line, stderr);
            }
            else
            {
                pending.write(b);
            }
        }

        /**
         * {@inheritDoc}
         */
        public synchronized void write(final byte[] bytes, final int offset, final int length)
        {
            for (int i = offset; i < offset + length; i++)
            {
                write(bytes[i]);
            }
        }
    }
}
