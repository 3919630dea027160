package io.clustr.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * clustr itself: each scenario is one master process (embedded driver, clustr's defaults) started by the
 * orchestrator, which spawns its workers with clustr's own spawn; the workers report to the master's private
 * stream and the master prints {@code BENCH} lines. Skipped with a message until clustr-core's
 * {@code io.clustr.Master} is on the class path.
 */
final class ClustrSuites
{
    static final String SYSTEM = "clustr";
    static final String MASTER_MAIN = "io.clustr.bench.clustr.ClustrBenchMaster";

    private final BenchContext ctx;
    private static int masters;

    private ClustrSuites(final BenchContext ctx)
    {
        this.ctx = ctx;
    }

    /**
     * Whether the clustr suites can run; records a skip when they cannot.
     *
     * @param ctx of the run.
     * @return true when clustr-core and the bench's clustr classes are on the class path.
     */
    static boolean available(final BenchContext ctx)
    {
        try
        {
            Class.forName("io.clustr.Master");
            Class.forName(MASTER_MAIN);
            return true;
        }
        catch (final ClassNotFoundException ex)
        {
            ctx.results.skip(SYSTEM, "io.clustr.Master is not on the class path (clustr-core has not landed): " +
                ex.getMessage());
            return false;
        }
    }

    /**
     * The data-path benches (once per round): throughput per stream, fan-out, ping-pong per idle strategy.
     *
     * @param ctx of the run.
     */
    static void runDataPath(final BenchContext ctx)
    {
        new ClustrSuites(ctx).dataPath();
    }

    /**
     * Spawn time and idle cost (once per run).
     *
     * @param ctx of the run.
     */
    static void runSpawnAndIdle(final BenchContext ctx)
    {
        final ClustrSuites suites = new ClustrSuites(ctx);
        if (ctx.clustrBenches.contains("spawn"))
        {
            suites.spawn();
        }

        if (ctx.clustrBenches.contains("idle"))
        {
            suites.idle();
        }
    }

    /**
     * Once per run, before any clustr process is measured: a master spawns one worker and waits until the
     * class-data archive of the bench's class path exists (clustr-spawn dumps it in the background after the first
     * spawn of a class path, see docs/spawning.md). A deployed cluster has its archive; without this step the dump
     * runs, at the lowest priority but on the same cores, during the first measured rounds of a freshly built bench.
     *
     * @param ctx of the run.
     */
    static void prepareClassDataArchive(final BenchContext ctx)
    {
        new ClustrSuites(ctx).archive();
    }

    private void archive()
    {
        try (BenchChild master = master("clustr-archive", ctx.idle, BenchContext.list("--scenario", "archive")))
        {
            final Map<String, String> fields = BenchContext.fields(master.awaitLine("BENCH bench=archive", 180_000));
            ctx.note("clustr class-data archive ready in " + fields.get("ms") + " ms");
        }
    }

    private void dataPath()
    {
        if (ctx.clustrBenches.contains("throughput"))
        {
            for (final String stream : ctx.streams)
            {
                throughput(stream, 1);
            }
        }

        if (ctx.clustrBenches.contains("fanout"))
        {
            throughput("public", ctx.fanout);
        }

        if (ctx.clustrBenches.contains("rtt"))
        {
            for (final String idle : ctx.rttIdles)
            {
                rtt(idle);
            }
        }
    }

    /**
     * Start a master. The master itself always idles with {@code ctx.idle} (backoff by default), like the raw
     * Aeron driver; {@code workerIdle} is the idle strategy of the workers on the message path (clustr passes the
     * master's {@code clustr.*} properties to its children, and a spec's own JVM arguments come after them and win).
     */
    private BenchChild master(final String name, final String workerIdle, final List<String> args)
    {
        final Path dir = ctx.shmDir.resolve("clustr-" + (++masters));
        final List<String> masterArgs = BenchContext.list("--dir", dir.toString());
        masterArgs.addAll(args);
        final List<String> props = BenchContext.list(
            "-Dclustr.idle.strategy=" + ctx.idle,
            "-Dclustr.term.length=" + ctx.termLength);
        String workerJvmArgs = ctx.workerJvmArgs;
        if (!workerIdle.equals(ctx.idle))
        {
            workerJvmArgs = ("-Dclustr.idle.strategy=" + workerIdle + " " + workerJvmArgs).trim();
        }

        if (!workerJvmArgs.isEmpty())
        {
            props.add("-Dbench.worker.jvm.args=" + workerJvmArgs);
        }

        return ctx.java(name, MASTER_MAIN, props, masterArgs);
    }

    private List<String> timed()
    {
        return ctx.timed(List.of());
    }

    private void throughput(final String stream, final int subscribers)
    {
        final String bench = 1 == subscribers ? "throughput" : "fanout";
        ctx.note("clustr " + bench + " on the " + stream + " stream: 1 publisher -> " + subscribers + " worker(s)");
        final List<String> args = BenchContext.list(
            "--scenario", "throughput", "--stream", stream, "--subscribers", Integer.toString(subscribers));
        args.addAll(timed());
        args.addAll(ctx.linkProbeArgs(false));
        try (BenchChild master = master("clustr-" + bench + "-" + stream, ctx.idle, args))
        {
            final Map<Integer, List<Double>> rates = new HashMap<>();
            final Map<Integer, List<Map<String, String>>> lines = new HashMap<>();
            for (int i = 0; i < ctx.sizes.length * subscribers; i++)
            {
                final Map<String, String> fields = BenchContext.fields(
                    master.awaitLine("BENCH bench=throughput", ctx.phaseTimeoutMs()));
                final int size = Integer.parseInt(fields.get("msg_bytes"));
                rates.computeIfAbsent(size, (k) -> new ArrayList<>()).add(BenchContext.rate(fields));
                lines.computeIfAbsent(size, (k) -> new ArrayList<>()).add(fields);
            }

            for (final int size : ctx.sizes)
            {
                ctx.results.add(Result.throughput(
                    bench, stream, SYSTEM, size, subscribers, rates.getOrDefault(size, List.of()))
                    .linkLines(lines.getOrDefault(size, List.of())));
            }

            master.awaitExit(60_000);
        }
    }

    private void rtt(final String idle)
    {
        ctx.note("clustr ping-pong on private streams, idle " + idle);
        final List<String> args = BenchContext.list("--scenario", "rtt",
            "--ping-cpu", Integer.toString(ctx.rttCpu(0)), "--pong-cpu", Integer.toString(ctx.rttCpu(1)));
        args.addAll(timed());
        args.addAll(ctx.linkProbeArgs(true));
        try (BenchChild master = master("clustr-rtt-" + idle, idle, args))
        {
            for (int i = 0; i < ctx.sizes.length; i++)
            {
                final Map<String, String> fields = BenchContext.fieldsWithParts(
                    master, master.awaitLine("BENCH bench=rtt", ctx.phaseTimeoutMs()), ctx.phaseTimeoutMs());
                final String size = fields.get("msg_bytes");
                ctx.results.add(BenchContext.percentiles(
                    new Result("rtt", "private", SYSTEM).key("idle", idle).key("msg_bytes", size), fields)
                    .linkLines(List.of(fields)));
            }

            master.awaitExit(60_000);
        }
    }

    private void spawn()
    {
        ctx.note("clustr spawn: " + ctx.spawnWarmups + " warm-up spawn(s) of 1 worker, then 1 and 8 workers to all " +
            "ready, " + ctx.spawnReps + " rep(s) each, interleaved");
        final List<String> args = BenchContext.list(
            "--scenario", "spawn", "--counts", "1,8", "--reps", Integer.toString(ctx.spawnReps),
            "--warmup-spawns", Integer.toString(ctx.spawnWarmups));
        try (BenchChild master = master("clustr-spawn", ctx.idle, args))
        {
            final List<Double> warmups = new ArrayList<>();
            for (int i = 0; i < ctx.spawnWarmups; i++)
            {
                warmups.add(Long.parseLong(BenchContext.fields(
                    master.awaitLine("BENCH bench=spawn_warmup", 120_000)).get("ns")) / 1e6);
            }

            final Map<Integer, List<Double>> times = new HashMap<>();
            final Map<Integer, List<Double>> calls = new HashMap<>();
            for (int i = 0; i < 2 * ctx.spawnReps; i++)
            {
                final Map<String, String> fields = BenchContext.fields(
                    master.awaitLine("BENCH bench=spawn ", 120_000));
                final int workers = Integer.parseInt(fields.get("workers"));
                times.computeIfAbsent(workers, (k) -> new ArrayList<>()).add(Long.parseLong(fields.get("ns")) / 1e6);
                calls.computeIfAbsent(workers, (k) -> new ArrayList<>())
                    .add(Long.parseLong(fields.get("spawn_call_ns")) / 1e6);
            }

            if (!warmups.isEmpty())
            {
                ctx.results.add(new Result("spawn_warmup", "-", SYSTEM)
                    .key("workers", 1)
                    .value("first_ms", warmups.get(0), 1)
                    .value("runs", warmups.size(), 0)
                    .text("runs_ms", Result.list(warmups, 1)));
            }

            for (final int count : new int[]{1, 8})
            {
                final List<Double> samples = times.get(count);
                ctx.results.add(new Result("spawn", "-", SYSTEM)
                    .key("workers", count)
                    .value("median_ms", Result.median(samples), 1)
                    .value("min_ms", samples.stream().mapToDouble(Double::doubleValue).min().orElse(0), 1)
                    .value("max_ms", samples.stream().mapToDouble(Double::doubleValue).max().orElse(0), 1)
                    .value("runs", samples.size(), 0)
                    .value("warmup_spawns", ctx.spawnWarmups, 0)
                    .text("runs_ms", Result.list(samples, 1))
                    .value("median_spawn_call_ms", Result.median(calls.get(count)), 1));
            }

            master.awaitExit(60_000);
        }
    }

    /**
     * Print the JVM arguments clustr's spawn gave a worker (its command line from {@code /proc}, without the class
     * path), so that a run says which flags the measured workers had.
     */
    private static void printJvmArgs(final long pid)
    {
        final List<String> jvmArgs = new ArrayList<>();
        final String[] arguments = ProcessHandle.of(pid).flatMap((h) -> h.info().arguments()).orElse(new String[0]);
        for (int i = 0; i < arguments.length; i++)
        {
            if ("-cp".equals(arguments[i]) || "-classpath".equals(arguments[i]))
            {
                break;
            }

            jvmArgs.add(arguments[i]);
        }

        System.out.println("INFO clustr_worker_jvm_args=\"" + String.join(" ", jvmArgs) + "\"");
    }

    private void idle()
    {
        ctx.note("clustr idle cost: master + " + ctx.fanout + " idle workers");
        final List<String> args = BenchContext.list(
            "--scenario", "idle", "--workers", Integer.toString(ctx.fanout));
        try (BenchChild master = master("clustr-idle", ctx.idle, args))
        {
            final Map<String, String> fields = BenchContext.fields(master.awaitLine("BENCH bench=idle", 120_000));
            final long masterPid = Long.parseLong(fields.get("master_pid"));
            final List<Long> pids = new ArrayList<>();
            pids.add(masterPid);
            for (final String pid : fields.get("worker_pids").split(","))
            {
                pids.add(Long.parseLong(pid));
            }

            BenchContext.sleep(ctx.settleMs);
            final List<Long> workerPids = pids.subList(1, pids.size());
            final List<Double> workerRss = new ArrayList<>();
            int largest = 0;
            for (final long pid : workerPids)
            {
                workerRss.add(ProcStats.memory(pid).getOrDefault("VmRSS", 0L) / 1024.0);
                largest = workerRss.get(workerRss.size() - 1) > workerRss.get(largest) ? workerRss.size() - 1 : largest;
            }

            ctx.results.add(BenchContext.memory(
                new Result("idle_rss", "-", SYSTEM).key("role", "worker"), workerPids.get(largest))
                .value("workers", workerRss.size(), 0)
                .value("median_rss_mib", Result.median(workerRss), 1)
                .text("workers_rss_mib", Result.list(workerRss, 1)));
            printJvmArgs(workerPids.get(0));
            ctx.results.add(BenchContext.memory(
                new Result("idle_rss", "-", SYSTEM).key("role", "master"), masterPid));
            ctx.results.add(BenchContext.idleCpu(
                new Result("idle_cpu", "-", SYSTEM).key("processes", pids.size()).key("idle", ctx.idle),
                ctx.cpuPercentOfOneCore(pids, ctx.idleWindowMs),
                ctx.idleWindowMs));
        }
    }
}
