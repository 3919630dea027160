package io.clustr.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Settings of one bench run and the means every suite shares: launching child JVMs and commands, timing them,
 * reading their {@code BENCH} lines, collecting results.
 */
final class BenchContext
{
    /**
     * Flags every Aeron JVM needs on Java 17 (Agrona 2.x dies at class init without the first).
     */
    static final List<String> ADD_OPENS = List.of(
        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.base/java.util.zip=ALL-UNNAMED");

    boolean quick;
    int[] sizes = {32, 1024};
    long warmupMs;
    long durationMs;
    int rounds = 1;
    int termLength;
    String idle = "progressive";
    List<String> rttIdles = List.of("progressive", "yield");
    int fanout = 4;
    int startReps;
    int spawnReps;
    long idleWindowMs;
    long settleMs;
    Path shmDir;
    Path logDir;
    List<String> jvmOpts = new ArrayList<>();
    String workerJvmArgs = "";
    List<String> clustrBenches = List.of("throughput", "fanout", "rtt", "spawn", "idle");
    List<String> streams = List.of("public", "group", "private");
    String redisHost = "127.0.0.1";
    int redisPort;
    String node;
    Path jsDir;
    long clockTicksPerSecond = 100;
    Results results;
    PrintStream progress = System.err;

    private final String javaBin = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    private final String classPath = System.getProperty("java.class.path");
    private int sequence;

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
     * The command line of a bench JVM: the bench's JVM options, the add-opens flags, the class path.
     *
     * @param mainClass class to run.
     * @param args      its arguments.
     * @return the command.
     */
    List<String> javaCommand(final String mainClass, final List<String> args)
    {
        return javaCommand(List.of(), mainClass, args);
    }

    /**
     * The command line of a bench JVM with extra JVM options (e.g. {@code -Dclustr.idle.strategy=yield}).
     *
     * @param extraJvmOpts added after the bench's JVM options.
     * @param mainClass    class to run.
     * @param args         its arguments.
     * @return the command.
     */
    List<String> javaCommand(final List<String> extraJvmOpts, final String mainClass, final List<String> args)
    {
        final List<String> command = new ArrayList<>();
        command.add(javaBin);
        command.addAll(jvmOpts);
        command.addAll(extraJvmOpts);
        command.addAll(ADD_OPENS);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /**
     * Start a bench JVM.
     *
     * @param name      for its log file.
     * @param mainClass class to run.
     * @param args      its arguments.
     * @return the running child.
     */
    ChildProcess java(final String name, final Class<?> mainClass, final List<String> args)
    {
        return command(name, javaCommand(mainClass.getName(), args));
    }

    /**
     * Start any command.
     *
     * @param name    for its log file.
     * @param command the command line.
     * @return the running child.
     */
    ChildProcess command(final String name, final List<String> command)
    {
        return ChildProcess.start(String.format("%03d-%s", ++sequence, name), command, Map.of(), logDir);
    }

    /**
     * Start any command with extra environment variables.
     *
     * @param name    for its log file.
     * @param command the command line.
     * @param env     extra environment.
     * @return the running child.
     */
    ChildProcess command(final String name, final List<String> command, final Map<String, String> env)
    {
        return ChildProcess.start(String.format("%03d-%s", ++sequence, name), command, env, logDir);
    }

    /**
     * Wall-clock time from starting a command to its exit (output discarded).
     *
     * @param command the command line.
     * @return elapsed milliseconds.
     */
    double timeToExitMs(final List<String> command)
    {
        try
        {
            final ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
            final long startNs = System.nanoTime();
            final Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new IllegalStateException("did not exit within 60 s: " + command);
            }

            final long elapsedNs = System.nanoTime() - startNs;
            if (0 != process.exitValue())
            {
                throw new IllegalStateException("exit " + process.exitValue() + ": " + command);
            }

            return elapsedNs / 1e6;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
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
     * Median of some samples.
     *
     * @param samples the samples (not modified).
     * @return the median.
     */
    static double median(final List<Double> samples)
    {
        final List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        final int n = sorted.size();
        return 0 == n % 2 ? (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2 : sorted.get(n / 2);
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
     * Arguments as a list.
     *
     * @param args the arguments.
     * @return a mutable list.
     */
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
