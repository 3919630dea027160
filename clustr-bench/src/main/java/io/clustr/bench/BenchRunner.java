package io.clustr.bench;

import io.clustr.bench.aeron.AeronBench;
import io.clustr.bench.calls.CallTransports;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The bench orchestrator: runs every suite in one go, each system between separate OS processes, prints one
 * {@code RESULT ...} line per measurement and a summary table with ratios. Normally run by
 * {@code clustr-bench/run.sh}, which builds the module, starts and stops redis-server, and cleans up.
 */
@Command(
    name = "clustr-bench",
    mixinStandardHelpOptions = true,
    description = "Throughput, latency, spawn time, memory, idle CPU and calls of clustr beside raw Aeron, Redis, " +
        "NATS and Node.")
public final class BenchRunner implements Callable<Integer>
{
    private static final List<String> SUITES = List.of("aeron", "redis", "node", "clustr", CallsSuite.NAME);
    private static final List<String> CALL_SYSTEMS = List.of(
        CallTransports.NATS, CallTransports.REDIS, CallTransports.CLUSTR);
    private static final List<String> CALL_BENCHES = List.of("call", "call_empty", "call_rtt", "job");

    private static volatile boolean stopping;

    @Option(names = "--quick", description = "Short phases: the whole run in under 2 minutes on 2 cores.")
    private boolean quick;

    @Option(names = "--suites", split = ",", defaultValue = "aeron,redis,node,clustr,calls",
        description = "Suites to run (default: ${DEFAULT-VALUE}); calls = the call and job workloads of the " +
            "work-pattern issue over --call-systems (add aeron for call_rtt's ratio_p50_vs_aeron).")
    private List<String> suites;

    @Option(names = "--clustr-benches", split = ",", defaultValue = "throughput,fanout,rtt,spawn,idle",
        description = "Which clustr benches to run (default: ${DEFAULT-VALUE}).")
    private List<String> clustrBenches;

    @Option(names = "--streams", split = ",", defaultValue = "public,group,private",
        description = "clustr streams for the 1 -> 1 throughput bench (default: ${DEFAULT-VALUE}).")
    private List<String> streams;

    @Option(names = "--sizes", split = ",", defaultValue = "32,1024", description = "Message sizes in bytes.")
    private int[] sizes;

    @Option(names = "--warmup-ms", description = "Warm-up per size (default 1000, quick 400).")
    private Long warmupMs;

    @Option(names = "--duration-ms", description = "Measured time per size (default 3000, quick 1000).")
    private Long durationMs;

    @Option(names = "--rounds", description = "Rounds of the data-path benches (raw Aeron and clustr interleaved; " +
        "the median of the rounds is reported, every round listed): default 5, quick 1.")
    private Integer rounds;

    @Option(names = "--calls-warmup-ms", description = "Warm-up of each phase of the calls suite, for every system " +
        "alike (default 10000, quick 3000): each phase starts fresh JVMs (workers, caller; clustr's master) whose " +
        "C2 compiler threads take most of the CPU for the first seconds on 2 cores, so --warmup-ms (the data " +
        "path's) is too short for it.")
    private Long callsWarmupMs;

    @Option(names = "--calls-rounds", description = "Rounds of the calls suite (the systems interleaved in each " +
        "round; the median of the rounds is reported, every round listed): default 3, quick 1.")
    private Integer callsRounds;

    @Option(names = "--spawn-reps",
        description = "Timed spawns of 1 and of 8 workers, interleaved (default 5, quick 3).")
    private Integer spawnReps;

    @Option(names = "--spawn-warmups", defaultValue = "1",
        description = "Untimed spawns of 1 worker before the timed ones (the spawner may build a cache on its first " +
            "spawn): ${DEFAULT-VALUE}.")
    private int spawnWarmups;

    @Option(names = "--idle-ms", description = "Idle CPU window (default 10000, quick 3000).")
    private Long idleMs;

    @Option(names = "--term-length", description = "IPC term length for raw Aeron and clustr alike.")
    private Integer termLength;

    @Option(names = "--idle", defaultValue = "progressive",
        description = "Idle strategy of every process, raw Aeron and clustr alike (throughput, idle cost; the clustr " +
            "master): ${DEFAULT-VALUE}, clustr's default.")
    private String idle;

    @Option(names = "--rtt-idles", split = ",", defaultValue = "progressive,yield",
        description = "Idle strategies for ping-pong, each measured on every system that has them.")
    private List<String> rttIdles;

    @Option(names = "--fanout", defaultValue = "4", description = "Subscribers in the fan-out bench.")
    private int fanout;

    @Option(names = "--shm-dir", description = "Parent of every Aeron directory of the run (default " +
        "/dev/shm/clustr-bench-<pid>); deleted at the end.")
    private Path shmDir;

    @Option(names = "--log-dir", defaultValue = "clustr-bench/target/bench-logs",
        description = "Where each child's output is logged.")
    private Path logDir;

    @Option(names = "--jvm-opts", defaultValue = "-XX:+UseSerialGC -Xms16m -XX:-UsePerfData",
        description = "JVM options of every JVM the bench starts (raw Aeron, Redis clients, bare JVM, clustr " +
            "masters); the default is what clustr's spawn gives its children, so both sides run alike.")
    private String jvmOpts;

    @Option(names = "--worker-jvm-args", defaultValue = "",
        description = "Extra JVM arguments for clustr's bench workers, e.g. a JFR recording when profiling.")
    private String workerJvmArgs;

    @Option(names = "--redis-port", defaultValue = "0", description = "Port of a loopback redis-server, 0 = skip.")
    private int redisPort;

    @Option(names = "--redis-host", defaultValue = "127.0.0.1", description = "Redis host (loopback only).")
    private String redisHost;

    @Option(names = "--nats-port", defaultValue = "0", description = "Port of a loopback nats-server, 0 = skip.")
    private int natsPort;

    @Option(names = "--nats-host", defaultValue = "127.0.0.1", description = "NATS host (loopback only).")
    private String natsHost;

    @Option(names = "--call-systems", split = ",", defaultValue = "nats,redis,clustr",
        description = "Systems of the calls suite, in this order (default: ${DEFAULT-VALUE}).")
    private List<String> callSystems;

    @Option(names = "--rtt-cpus", defaultValue = "auto",
        description = "CPUs of the pinger and of the ponger in every round-trip bench, the same for every system: " +
            "two CPUs (e.g. 0,1), 'none' for unpinned, or 'auto' (the default: 0,1 on a machine with 2 CPUs or more, " +
            "else none). Unpinned on 2 cores, both often share one CPU and hand it over at each yield, which " +
            "measures the scheduler, not the system (docs/performance.md).")
    private String rttCpus;

    @Option(names = "--link-probe", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Probe the link between the CPUs between 100 ms intervals of each throughput and round-trip " +
            "window, and, when it has two states (as a virtual machine's vCPUs moved between cores have), add each " +
            "figure per state (link=near|far), compared with raw Aeron's in the same state (default: on; " +
            "--no-link-probe for none).")
    private boolean linkProbe;

    @Option(names = "--call-benches", split = ",", defaultValue = "call,call_empty,call_rtt,job",
        description = "Phases of the calls suite (default: ${DEFAULT-VALUE}), e.g. job alone for an A/B of the job " +
            "path.")
    private List<String> callBenches;

    @Option(names = "--node", description = "Path of the node executable; absent = skip the Node peer.")
    private String node;

    @Option(names = "--js-dir", defaultValue = "clustr-bench/src/main/js", description = "Where ipc-bench.js is.")
    private Path jsDir;

    /**
     * Entry point.
     *
     * @param args see {@code --help}.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new BenchRunner()).execute(args));
    }

    /**
     * Run the selected suites.
     *
     * @return 0 when every suite ran, 1 when one failed.
     */
    public Integer call()
    {
        final String invalid = invalidArgument();
        if (null != invalid)
        {
            System.err.println(invalid);
            return 2;
        }

        final BenchContext ctx = newContext();

        Runtime.getRuntime().addShutdownHook(new Thread(
            () ->
            {
                stopping = true;
                ctx.closeProcesses();
                // also on SIGTERM (run.sh's cleanup, or its parent-death signal when run.sh is SIGKILLed)
                deleteRecursively(ctx.shmDir);
            },
            "close-children"));
        info(ctx, "start");

        final Results main = ctx.results;
        int failures = 0;
        try
        {
            Files.createDirectories(ctx.shmDir);
            final boolean aeron = suites.contains("aeron");
            final boolean clustr = suites.contains("clustr") && ClustrSuites.available(ctx);

            if (clustr || (suites.contains(CallsSuite.NAME) && ClustrSuites.available(ctx)))
            {
                failures += step(ctx, "clustr class-data archive", () -> ClustrSuites.prepareClassDataArchive(ctx));
            }

            if (aeron)
            {
                failures += step(ctx, "aeron startup and idle", () -> new AeronSuite(ctx).runStartupAndIdle());
            }

            final List<Results> roundResults = new ArrayList<>();
            for (int round = 1; round <= ctx.rounds && (aeron || clustr); round++)
            {
                ctx.note("data-path round " + round + " of " + ctx.rounds);
                final Results roundResult = new Results(System.out);
                roundResults.add(roundResult);
                ctx.results = roundResult;
                if (aeron)
                {
                    failures += step(ctx, "aeron data path", () -> new AeronSuite(ctx).runDataPath());
                }

                if (clustr)
                {
                    failures += step(ctx, "clustr data path", () -> ClustrSuites.runDataPath(ctx));
                }
            }

            ctx.results = main;
            ctx.linkRoundTripsNs = LinkSplit.apply(roundResults, System.out);
            main.addMedianOf(roundResults);

            if (suites.contains("redis"))
            {
                failures += step(ctx, "redis", () -> new RedisSuite(ctx).run());
            }

            if (suites.contains("node"))
            {
                failures += step(ctx, "node", () -> new NodeSuite(ctx).run());
            }

            if (clustr)
            {
                failures += step(ctx, "clustr spawn and idle", () -> ClustrSuites.runSpawnAndIdle(ctx));
            }

            if (suites.contains(CallsSuite.NAME))
            {
                failures += step(ctx, "calls", () -> new CallsSuite(ctx).run());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        finally
        {
            ctx.results = main;
            ctx.closeProcesses();
            deleteRecursively(ctx.shmDir);
        }

        Ratios.add(ctx);
        main.printAll();
        info(ctx, "end");
        new Summary(ctx, System.out).print();
        return 0 == failures ? 0 : 1;
    }

    private String invalidArgument()
    {
        for (final String suite : suites)
        {
            if (!SUITES.contains(suite))
            {
                return "unknown suite '" + suite + "' in --suites: use any of " + SUITES;
            }
        }

        for (final String system : callSystems)
        {
            if (!CALL_SYSTEMS.contains(system))
            {
                return "unknown system '" + system + "' in --call-systems: use any of " + CALL_SYSTEMS;
            }
        }

        try
        {
            parseRttCpus(rttCpus);
        }
        catch (final IllegalArgumentException ex)
        {
            return ex.getMessage();
        }

        for (final String bench : callBenches)
        {
            if (!CALL_BENCHES.contains(bench))
            {
                return "unknown phase '" + bench + "' in --call-benches: use any of " + CALL_BENCHES;
            }
        }

        return null;
    }

    private static int[] parseRttCpus(final String value)
    {
        final int cpus = Runtime.getRuntime().availableProcessors();
        if ("none".equals(value) || ("auto".equals(value) && cpus < 2))
        {
            return new int[0];
        }

        final String[] parts = ("auto".equals(value) ? "0,1" : value).split(",");
        if (2 != parts.length)
        {
            throw new IllegalArgumentException("--rtt-cpus takes two CPUs, the pinger's and the ponger's (e.g. 0,1), " +
                "none or auto: got '" + value + "'");
        }

        final int[] pair = new int[2];
        for (int i = 0; i < 2; i++)
        {
            try
            {
                pair[i] = Integer.parseInt(parts[i].trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("--rtt-cpus: '" + parts[i] + "' is not a CPU number");
            }
            if (pair[i] < 0 || pair[i] >= cpus)
            {
                throw new IllegalArgumentException("--rtt-cpus: CPU " + pair[i] + " is not one of this machine's " +
                    cpus + " (0 to " + (cpus - 1) + "), or use --rtt-cpus none");
            }
        }
        if (pair[0] == pair[1])
        {
            throw new IllegalArgumentException("--rtt-cpus: the pinger and the ponger need two different CPUs, got " +
                value);
        }

        return pair;
    }

    private BenchContext newContext()
    {
        final BenchContext ctx = new BenchContext();
        ctx.quick = quick;
        ctx.sizes = sizes.clone();
        ctx.warmupMs = null != warmupMs ? warmupMs : (quick ? 400 : 1000);
        ctx.durationMs = null != durationMs ? durationMs : (quick ? 1000 : 3000);
        ctx.rounds = null != rounds ? rounds : (quick ? 1 : 5);
        ctx.callsWarmupMs = null != callsWarmupMs ? callsWarmupMs : (quick ? 3000 : 10_000);
        ctx.callsRounds = null != callsRounds ? callsRounds : (quick ? 1 : 3);
        ctx.idleWindowMs = null != idleMs ? idleMs : (quick ? 3000 : 10_000);
        ctx.settleMs = quick ? 1000 : 2000;
        ctx.startReps = quick ? 3 : 10;
        ctx.spawnReps = null != spawnReps ? spawnReps : (quick ? 3 : 5);
        ctx.spawnWarmups = spawnWarmups;
        ctx.termLength = null != termLength ? termLength : AeronBench.DEFAULT_TERM_LENGTH;
        ctx.idle = idle;
        ctx.rttIdles = rttIdles;
        ctx.fanout = fanout;
        ctx.shmDir = null != shmDir ? shmDir : Paths.get("/dev/shm", "clustr-bench-" + ProcessHandle.current().pid());
        ctx.logDir = logDir;
        ctx.jvmOpts = new ArrayList<>(Arrays.asList(jvmOpts.trim().split("\\s+")));
        ctx.workerJvmArgs = workerJvmArgs.trim();
        ctx.clustrBenches = clustrBenches;
        ctx.callBenches = callBenches;
        ctx.rttCpus = parseRttCpus(rttCpus);
        ctx.linkProbe = linkProbe;
        ctx.streams = streams;
        ctx.redisHost = redisHost;
        ctx.redisPort = redisPort;
        ctx.natsHost = natsHost;
        ctx.natsPort = natsPort;
        ctx.callSystems = callSystems;
        ctx.node = node;
        ctx.jsDir = jsDir;
        ctx.clockTicksPerSecond = ProcStats.clockTicksPerSecond();
        ctx.results = new Results(System.out);

        return ctx;
    }

    private static int step(final BenchContext ctx, final String name, final Runnable step)
    {
        if (stopping)
        {
            return 1;
        }

        try
        {
            step.run();
            return 0;
        }
        catch (final RuntimeException ex)
        {
            System.out.println("FAIL step=\"" + name + "\": " + ex.getMessage());
            ex.printStackTrace();
            return 1;
        }
        finally
        {
            ctx.stopAll();
        }
    }

    private static void info(final BenchContext ctx, final String when)
    {
        System.out.println("INFO when=" + when +
            " nproc=" + Runtime.getRuntime().availableProcessors() +
            " loadavg=" + firstLine("/proc/loadavg").replace(' ', ',') +
            " quick=" + ctx.quick +
            " term_length=" + ctx.termLength +
            " idle=" + ctx.idle +
            " warmup_ms=" + ctx.warmupMs +
            " duration_ms=" + ctx.durationMs +
            " rounds=" + ctx.rounds +
            " calls_warmup_ms=" + ctx.callsWarmupMs +
            " calls_rounds=" + ctx.callsRounds +
            " spawn_reps=" + ctx.spawnReps +
            " spawn_warmups=" + ctx.spawnWarmups +
            " rtt_cpus=" + (ctx.rttCpus.length == 2 ? ctx.rttCpus[0] + "," + ctx.rttCpus[1] : "none") +
            " link_probe=" + ctx.linkProbe);
        if ("start".equals(when))
        {
            System.out.println("INFO cpu=\"" + cpuModel() + "\" jdk=\"" + System.getProperty("java.vm.name") + " " +
                System.getProperty("java.runtime.version") + "\" jvm_opts=\"" + String.join(" ", ctx.jvmOpts) + "\"");
        }
    }

    private static String cpuModel()
    {
        try (Stream<String> lines = Files.lines(Paths.get("/proc/cpuinfo"), StandardCharsets.US_ASCII))
        {
            return lines.filter((l) -> l.startsWith("model name"))
                .map((l) -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst()
                .orElse("unknown");
        }
        catch (final IOException ex)
        {
            return "unknown";
        }
    }

    private static String firstLine(final String file)
    {
        try
        {
            return Files.readAllLines(Paths.get(file), StandardCharsets.US_ASCII).get(0).trim();
        }
        catch (final IOException ex)
        {
            return "unknown";
        }
    }

    private static void deleteRecursively(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }

        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
        }
        catch (final IOException ex)
        {
            System.err.println("# could not delete " + dir + ": " + ex);
        }
    }
}
