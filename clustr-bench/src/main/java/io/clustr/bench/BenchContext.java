package io.clustr.bench;

import io.clustr.bench.workload.BenchLine;
import io.clustr.spawn.Supervisor;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Settings of one bench run and the means every suite shares: launching child JVMs and commands (through
 * clustr-spawn, see {@link BenchProcesses}), timing them, reading their {@code BENCH} lines, collecting results.
 */
final class BenchContext
{
    /**
     * Flags every Aeron JVM needs on Java 17 (Agrona 2.x dies at class init without the first).
     */
    static final List<String> ADD_OPENS = Supervisor.Configuration.ADD_OPENS_JVM_ARGS;

    boolean quick;
    int[] sizes = {32, 1024};
    long warmupMs;
    long durationMs;
    int rounds = 1;
    long callsWarmupMs;
    int callsRounds = 1;
    int termLength;
    String idle = "progressive";
    List<String> rttIdles = List.of("progressive", "yield");
    int fanout = 4;
    /**
     * The CPU link's cache line round trip in its near and far state, ns, as {@link LinkSplit#apply} found them;
     * null when the run's figures were not split by the link.
     */
    double[] linkRoundTripsNs;
    int startReps;
    int spawnReps;
    int spawnWarmups = 1;
    long idleWindowMs;
    long settleMs;
    Path shmDir;
    Path logDir;
    List<String> jvmOpts = new ArrayList<>();
    String workerJvmArgs = "";
    List<String> clustrBenches = List.of("throughput", "fanout", "rtt", "spawn", "idle");
    List<String> callBenches = List.of("call", "call_empty", "call_rtt", "job");
    /**
     * The CPUs of the pinger and of the ponger of every round-trip bench (raw Aeron's, clustr's and every system's
     * call round trip), or empty for unpinned.
     */
    int[] rttCpus = new int[0];
    boolean linkProbe;
    List<String> streams = List.of("public", "group", "private");
    String redisHost = "127.0.0.1";
    int redisPort;
    String natsHost = "127.0.0.1";
    int natsPort;
    List<String> callSystems = List.of("nats", "redis", "clustr");
    String node;
    Path jsDir;
    long clockTicksPerSecond = 100;
    Results results;
    PrintStream progress = System.err;

    private BenchProcesses processes;
    private boolean processesClosed;

    /**
     * Time a measured phase may take before a child is declared stuck: every size's warm-up and measurement plus
     * a minute of slack for JVM start-up on a loaded machine.
     *
     * @return timeout in milliseconds.
     */
    long phaseTimeoutMs()
    {
        return sizes.length * (warmupMs + durationMs) + TimeUnit.SECONDS.toMillis(60);
    }

    /**
     * Sizes as {@code 32,1024}.
     *
     * @return the list.
     */
    String sizesArg()
    {
        final StringBuilder builder = new StringBuilder();
        for (final int size : sizes)
        {
            if (builder.length() > 0)
            {
                builder.append(',');
            }

            builder.append(size);
        }

        return builder.toString();
    }

    /**
     * The JVM arguments of a bench JVM: the bench's JVM options, then {@code extraJvmOpts}, then the add-opens flags.
     *
     * @param extraJvmOpts e.g. {@code -Dclustr.idle.strategy=yield}.
     * @return the arguments.
     */
    List<String> jvmArgs(final List<String> extraJvmOpts)
    {
        final List<String> jvmArgs = new ArrayList<>(jvmOpts);
        jvmArgs.addAll(extraJvmOpts);
        jvmArgs.addAll(ADD_OPENS);
        return jvmArgs;
    }

    /**
     * Start a bench JVM (through clustr-spawn, see {@link BenchProcesses}).
     *
     * @param name      for its log file.
     * @param mainClass class to run.
     * @param args      its arguments.
     * @return the running child.
     */
    BenchChild java(final String name, final Class<?> mainClass, final List<String> args)
    {
        return java(name, mainClass.getName(), List.of(), args);
    }

    /**
     * Start a bench JVM with extra JVM options.
     *
     * @param name         for its log file.
     * @param mainClass    class to run.
     * @param extraJvmOpts added after the bench's JVM options.
     * @param args         its arguments.
     * @return the running child.
     */
    BenchChild java(final String name, final String mainClass, final List<String> extraJvmOpts, final List<String> args)
    {
        return processes().java(name, mainClass, jvmArgs(extraJvmOpts), args);
    }

    /**
     * Start the pinging (0) or the ponging (1) side of a round-trip bench, on its CPU of {@link #rttCpus}.
     *
     * @param side      0 for the pinger, 1 for the ponger.
     * @param name      for its log file.
     * @param mainClass class to run.
     * @param args      its arguments.
     * @return the running child.
     */
    BenchChild rttJava(final int side, final String name, final Class<?> mainClass, final List<String> args)
    {
        return processes().java(name, mainClass.getName(), jvmArgs(List.of()), args, rttCpu(side));
    }

    /**
     * @param side 0 for the pinger, 1 for the ponger.
     * @return its CPU, or -1 when round trips run unpinned.
     */
    int rttCpu(final int side)
    {
        return rttCpus.length == 2 ? rttCpus[side] : -1;
    }

    /**
     * The {@code --link-probe} option of a child that times throughput (its subscribers) or round trips (the
     * pinger, whose link is to the ponger's CPU), see {@link io.clustr.bench.workload.LinkProbe}.
     *
     * @param rtt whether for the pinger.
     * @return the option and its value, or nothing when link probes are off.
     */
    List<String> linkProbeArgs(final boolean rtt)
    {
        if (!linkProbe)
        {
            return List.of();
        }

        return List.of("--link-probe", rtt && rttCpu(1) >= 0 ? Integer.toString(rttCpu(1)) : "any");
    }

    /**
     * Start any command (through clustr-spawn).
     *
     * @param name    for its log file.
     * @param command the command line.
     * @return the running child.
     */
    BenchChild command(final String name, final List<String> command)
    {
        return processes().command(name, command);
    }

    /**
     * Wall-clock time from asking clustr-spawn to start a bench JVM to its successful exit.
     *
     * @param name      for its log file.
     * @param mainClass class to run.
     * @param args      its arguments.
     * @return elapsed milliseconds.
     */
    double timeToExitMs(final String name, final Class<?> mainClass, final List<String> args)
    {
        final long startNs = System.nanoTime();
        try (BenchChild child = java(name, mainClass, args))
        {
            child.awaitExit(60_000);
            return (System.nanoTime() - startNs) / 1e6;
        }
    }

    /**
     * Stop every child still running (after each step of the run).
     */
    synchronized void stopAll()
    {
        if (null != processes)
        {
            processes.stopAll();
        }
    }

    /**
     * Stop every child and clustr-spawn's supervisor; idempotent. Nothing can be started afterwards.
     */
    synchronized void closeProcesses()
    {
        processesClosed = true;
        if (null != processes)
        {
            processes.close();
        }
    }

    private synchronized BenchProcesses processes()
    {
        if (processesClosed)
        {
            throw new IllegalStateException("the bench's processes are closed: nothing more is started");
        }

        if (null == processes)
        {
            processes = new BenchProcesses(logDir);
        }

        return processes;
    }

    /**
     * The fields of a {@code BENCH k=v ...} line.
     *
     * @param line the line.
     * @return its key/value pairs.
     */
    static Map<String, String> fields(final String line)
    {
        final Map<String, String> fields = new HashMap<>();
        for (final String part : line.split(" "))
        {
            final int eq = part.indexOf('=');
            if (eq > 0)
            {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }

        return fields;
    }

    /**
     * A result line's fields, with the parts that continue it ({@code link_parts=n}: n lines
     * {@link BenchLine#LINK_PART_PREFIX} after it) joined into its {@code interval_hists}.
     *
     * @param child     that printed the line.
     * @param line      the result line.
     * @param timeoutMs how long to wait for each part.
     * @return the fields.
     */
    static Map<String, String> fieldsWithParts(final BenchChild child, final String line, final long timeoutMs)
    {
        final Map<String, String> fields = fields(line);
        final int parts = Integer.parseInt(fields.getOrDefault("link_parts", "0"));
        final StringBuilder hists = new StringBuilder();
        for (int i = 0; i < parts; i++)
        {
            final Map<String, String> part = fields(child.awaitLine(BenchLine.LINK_PART_PREFIX, timeoutMs));
            hists.append(hists.length() > 0 ? "," : "").append(part.get("interval_hists"));
        }

        if (parts > 0)
        {
            fields.put("interval_hists", hists.toString());
        }

        return fields;
    }

    /**
     * Messages per second from a throughput line.
     *
     * @param fields of a {@code BENCH bench=throughput} line.
     * @return messages per second.
     */
    static double rate(final Map<String, String> fields)
    {
        return Long.parseLong(fields.get("msgs")) * 1e9 / Long.parseLong(fields.get("ns"));
    }

    /**
     * Print a progress note to stderr.
     *
     * @param message the note.
     */
    void note(final String message)
    {
        progress.println("# " + message);
        progress.flush();
    }

    /**
     * Sleep, keeping the interrupt flag.
     *
     * @param ms how long.
     */
    static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Arguments of a timed workload: sizes, warm-up and duration of this run, after {@code common}.
     *
     * @param common the arguments that come first.
     * @return a new list.
     */
    List<String> timed(final List<String> common)
    {
        final List<String> args = new ArrayList<>(common);
        args.addAll(list(
            "--sizes", sizesArg(),
            "--warmup-ms", Long.toString(warmupMs),
            "--duration-ms", Long.toString(durationMs)));
        return args;
    }

    /**
     * Arguments as a list.
     *
     * @param args the arguments.
     * @return a mutable list.
     */
    static List<String> list(final String... args)
    {
        return new ArrayList<>(Arrays.asList(args));
    }

    /**
     * Add an RTT line's percentiles to a result, in microseconds.
     *
     * @param result to add to.
     * @param fields of a {@code BENCH bench=rtt} line.
     * @return the result.
     */
    static Result percentiles(final Result result, final Map<String, String> fields)
    {
        result.value("count", Long.parseLong(fields.get("count")), 0);
        for (final String p : new String[]{"p50", "p90", "p99", "p999", "max"})
        {
            result.value(p + "_us", Long.parseLong(fields.get(p + "_ns")) / 1000.0, 2);
        }

        return result;
    }

    /**
     * Memory figures of a process as a result, in MiB.
     *
     * @param result to add to.
     * @param pid    process id.
     * @return the result.
     */
    static Result memory(final Result result, final long pid)
    {
        final Map<String, Long> memory = ProcStats.memory(pid);
        result.value("rss_mib", memory.getOrDefault("VmRSS", 0L) / 1024.0, 1);
        result.value("anon_mib", memory.getOrDefault("RssAnon", 0L) / 1024.0, 1);
        result.value("file_mib", memory.getOrDefault("RssFile", 0L) / 1024.0, 1);
        result.value("shmem_mib", memory.getOrDefault("RssShmem", 0L) / 1024.0, 1);
        result.value("threads", memory.getOrDefault("Threads", 0L), 0);
        return result;
    }

    /**
     * CPU used by each of some processes over one window, as a percentage of one core.
     *
     * @param pids     the processes.
     * @param windowMs how long to watch.
     * @return percent of one core per process, in the order given (100 = one core busy all the time).
     */
    double[] cpuPercentOfOneCore(final List<Long> pids, final long windowMs)
    {
        final long[] before = new long[pids.size()];
        for (int i = 0; i < before.length; i++)
        {
            before[i] = ProcStats.cpuTicks(pids.get(i));
        }

        final long startNs = System.nanoTime();
        sleep(windowMs);
        final double elapsedS = (System.nanoTime() - startNs) / 1e9;
        final double[] percent = new double[before.length];
        for (int i = 0; i < before.length; i++)
        {
            percent[i] = 100.0 * (ProcStats.cpuTicks(pids.get(i)) - before[i]) / clockTicksPerSecond / elapsedS;
        }

        return percent;
    }

    /**
     * An idle-CPU result: the total and each process's share.
     *
     * @param result   to add to.
     * @param percent  per process, as from {@link #cpuPercentOfOneCore(List, long)}.
     * @param windowMs the window.
     * @return the result.
     */
    static Result idleCpu(final Result result, final double[] percent, final long windowMs)
    {
        double total = 0;
        final StringBuilder each = new StringBuilder();
        for (final double p : percent)
        {
            total += p;
            each.append(each.length() > 0 ? "," : "").append(String.format(Locale.ROOT, "%.2f", p));
        }

        return result
            .value("seconds", windowMs / 1000.0, 1)
            .value("cpu_pct_of_core", total, 2)
            .text("per_process_pct", each.toString());
    }
}
