package io.clustr.bench;

import io.clustr.bench.calls.CallFunctions;
import io.clustr.bench.calls.CallTransports;
import io.clustr.bench.calls.CallWorkerMain;
import io.clustr.bench.calls.CallerMain;
import io.clustr.bench.workload.BenchLine;
import io.nats.client.Nats;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The call and job workloads of the work-pattern issue, over each system of {@code --call-systems}:
 * <ul>
 *     <li>{@code bench=call}: luafan's workload, {@value #WORKERS} worker processes serving md5 (the reply is the
 *     request and its digest), {@value #CALLERS} concurrent callers, {@value #MD5_BYTES} B requests;</li>
 *     <li>{@code bench=call_empty}: the same with the empty function and {@value #EMPTY_BYTES} B (messaging
 *     only);</li>
 *     <li>{@code bench=call_rtt}: one caller, the empty function, {@value #EMPTY_BYTES} B, against
 *     {@value #RTT_WORKERS} worker of its own (the round trip). Not the 3 workers of {@code call_empty}: a client
 *     spreads its calls over the servers (clustr's: most free slots, ties least recently used), so one caller
 *     would visit each of 3 servers only every third round trip, each then found backed off by its idle strategy;
 *     raw Aeron's ping-pong ({@code ratio_p50_vs_aeron}) has one ponger, so 1 worker is the like-for-like;</li>
 *     <li>{@code bench=job}: fire-and-forget jobs of {@value #EMPTY_BYTES} B to {@value #WORKERS} workers, jobs run
 *     per second (systems with a job queue).</li>
 * </ul>
 * Every worker and the caller are processes of their own, started through clustr-spawn like the bench's others;
 * what each runs is {@link CallWorkerMain} and {@link CallerMain} over the system's
 * {@link io.clustr.bench.calls.CallTransport}.
 * <p>
 * Each phase (md5, empty, round trip, jobs) starts fresh JVMs, so it has its own warm-up, {@code --calls-warmup-ms}
 * (default 10 s, quick 3 s), the same for every system (the NATS and Redis clients and workers JIT too): with the
 * data path's {@code --warmup-ms} of 1 s, a profile of clustr's md5 phase 1 s into the measured window had about
 * 60 % of the CPU samples in C2 compiler threads on 2 cores. The suite runs {@code --calls-rounds} rounds (default
 * 3, quick 1), each round every system in turn (nats, redis, clustr, then again), and reports the median of the
 * rounds per figure with every round listed ({@code rounds_calls_per_s=..}, see {@link Results#addMedianOf}).
 * The ratios ({@code ratio_vs_nats}, {@code ratio_vs_redis} on
 * clustr's lines, {@code ratio_p50_vs_aeron} on {@code call_rtt}) are added by {@link Ratios}.
 * <p>
 * A system is a {@link Peer}. NATS and Redis are {@link ProcessPeer}s: the bench starts their worker and caller
 * processes itself. clustr joins once {@code io.clustr.bench.clustr.ClustrCalls} (its transport) exists, with a
 * peer in {@link #peer(String)}: a {@link ProcessPeer} if the bench can start its processes, or one that starts a
 * clustr master scenario which spawns {@link CallWorkerMain} {@code --system clustr} as its workers and runs
 * {@link CallerMain} as one more, relaying their {@code BENCH} lines as the other clustr scenarios do.
 */
final class CallsSuite
{
    static final String NAME = "calls";
    static final int WORKERS = 3;
    static final int RTT_WORKERS = 1;
    static final long PHASE_OVERHEAD_S = 4;
    static final int CALLERS = 20;
    static final int MD5_BYTES = 3072;
    static final int EMPTY_BYTES = 32;

    private final BenchContext ctx;

    CallsSuite(final BenchContext ctx)
    {
        this.ctx = ctx;
    }

    /**
     * A system of the call workloads, from the orchestrator's side.
     */
    interface Peer
    {
        /**
         * Why the system cannot run in this run.
         *
         * @return null when it can, else the reason (printed as a SKIP).
         */
        String unavailable();

        /**
         * Start {@code workers} worker processes serving a function, and wait until they are ready.
         *
         * @param function    {@link CallFunctions#MD5} or {@link CallFunctions#EMPTY}.
         * @param workers     how many.
         * @param isRoundTrip the round trip: its one worker and its caller pinned as every ping-pong's are
         *                    ({@code --rtt-cpus}).
         * @return the running workers; close stops them.
         */
        Served serve(String function, int workers, boolean isRoundTrip);

        /**
         * Whether the system has a job queue in the bench.
         *
         * @return true when {@link #jobs(int, int)} can run.
         */
        boolean hasJobs();

        /**
         * Run the job workload: {@code workers} job workers and one submitter.
         *
         * @param workers  how many workers.
         * @param msgBytes job length.
         * @return the fields of the submitter's {@code BENCH bench=job} line.
         */
        Map<String, String> jobs(int workers, int msgBytes);
    }

    /**
     * Workers serving a function.
     */
    interface Served extends AutoCloseable
    {
        /**
         * Call the function from {@code callers} concurrent callers.
         *
         * @param callers  how many.
         * @param msgBytes request length.
         * @return the fields of the caller's {@code BENCH bench=call} line.
         */
        Map<String, String> call(int callers, int msgBytes);

        /**
         * Stop the workers.
         */
        void close();
    }

    void run()
    {
        final List<String> systems = new ArrayList<>();
        final Map<String, Peer> peers = new java.util.HashMap<>();
        for (final String system : ctx.callSystems)
        {
            final Peer peer = peer(system);
            if (null == peer)
            {
                continue;
            }

            final String unavailable = peer.unavailable();
            if (null != unavailable)
            {
                ctx.results.skip(system + " calls", unavailable);
                continue;
            }

            systems.add(system);
            peers.put(system, peer);
        }

        ctx.note("calls: " + ctx.callsRounds + " round(s) of " + String.join(", ", systems) + ", warm-up " +
            ctx.callsWarmupMs + " ms + " + ctx.durationMs + " ms measured per phase; estimated " +
            estimatedSeconds(systems) + " s");
        final Results main = ctx.results;
        final List<Results> roundResults = new ArrayList<>();
        try
        {
            for (int round = 1; round <= ctx.callsRounds; round++)
            {
                final Results roundResult = new Results(System.out);
                roundResults.add(roundResult);
                ctx.results = roundResult;
                for (final String system : systems)
                {
                    ctx.note("calls round " + round + " of " + ctx.callsRounds + ": " + system);
                    runRound(system, peers.get(system));
                }
            }
        }
        finally
        {
            ctx.results = main;
            main.addMedianOf(roundResults);
        }
    }

    /**
     * Roughly how long the suite takes: per phase the warm-up, the measured window and about
     * {@value #PHASE_OVERHEAD_S} s of process start and stop.
     */
    private long estimatedSeconds(final List<String> systems)
    {
        long phases = 0;
        for (final String system : systems)
        {
            final boolean hasJobs = !CallTransports.NATS.equals(system);
            for (final String bench : ctx.callBenches)
            {
                phases += "job".equals(bench) && !hasJobs ? 0 : 1;
            }
        }

        return phases * ctx.callsRounds * ((ctx.callsWarmupMs + ctx.durationMs) / 1000 + PHASE_OVERHEAD_S);
    }

    private void runRound(final String system, final Peer peer)
    {
        if (ctx.callBenches.contains("call"))
        {
            ctx.note(system + " calls: md5 of " + MD5_BYTES + " B, " + WORKERS + " workers, " + CALLERS +
                " callers");
            try (Served served = peer.serve(CallFunctions.MD5, WORKERS, false))
            {
                add("call", system, WORKERS, CALLERS, MD5_BYTES, served.call(CALLERS, MD5_BYTES));
            }
        }

        if (ctx.callBenches.contains("call_empty"))
        {
            ctx.note(system + " calls: empty function, " + EMPTY_BYTES + " B, " + WORKERS + " workers, " + CALLERS +
                " callers");
            try (Served served = peer.serve(CallFunctions.EMPTY, WORKERS, false))
            {
                add("call_empty", system, WORKERS, CALLERS, EMPTY_BYTES, served.call(CALLERS, EMPTY_BYTES));
            }
        }

        if (ctx.callBenches.contains("call_rtt"))
        {
            ctx.note(system + " calls: round trip, empty function, " + EMPTY_BYTES + " B, " + RTT_WORKERS +
                " worker, 1 caller");
            try (Served served = peer.serve(CallFunctions.EMPTY, RTT_WORKERS, true))
            {
                add("call_rtt", system, RTT_WORKERS, 1, EMPTY_BYTES, served.call(1, EMPTY_BYTES));
            }
        }

        if (ctx.callBenches.contains("job") && peer.hasJobs())
        {
            ctx.note(system + " jobs: fire-and-forget, " + EMPTY_BYTES + " B, " + WORKERS + " workers");
            ctx.results.add(jobResult(system, EMPTY_BYTES, peer.jobs(WORKERS, EMPTY_BYTES)));
        }
    }

    private void add(
        final String bench, final String system, final int workers, final int callers, final int msgBytes,
        final Map<String, String> fields)
    {
        ctx.results.add(callResult(bench, system, workers, callers, msgBytes, fields));
    }

    /**
     * The result of a call workload from the caller's {@code BENCH bench=call} line.
     *
     * @param bench    call, call_empty or call_rtt.
     * @param system   the system.
     * @param workers  how many workers served the calls.
     * @param callers  how many callers.
     * @param msgBytes request length.
     * @param fields   of the line.
     * @return {@code bench=.. stream=- system=.. workers=.. callers=.. msg_bytes=.. calls_per_s=.. p50_us=..
     * p99_us=.. p90_us=.. p999_us=.. max_us=.. calls=..}.
     */
    static Result callResult(
        final String bench, final String system, final int workers, final int callers, final int msgBytes,
        final Map<String, String> fields)
    {
        final long calls = Long.parseLong(fields.get("calls"));
        final Result result = new Result(bench, "-", system)
            .key("workers", workers)
            .key("callers", callers)
            .key("msg_bytes", msgBytes)
            .value("calls_per_s", calls * 1e9 / Long.parseLong(fields.get("ns")), 0);
        for (final String p : new String[]{"p50", "p99", "p90", "p999", "max"})
        {
            result.value(p + "_us", Long.parseLong(fields.get(p + "_ns")) / 1000.0, 2);
        }

        return result.value("calls", calls, 0);
    }

    /**
     * The result of the job workload from the submitter's {@code BENCH bench=job} line.
     *
     * @param system   the system.
     * @param msgBytes job length.
     * @param fields   of the line.
     * @return {@code bench=job stream=- system=.. workers=3 msg_bytes=.. jobs_per_s=.. jobs=..}.
     */
    static Result jobResult(final String system, final int msgBytes, final Map<String, String> fields)
    {
        final long count = Long.parseLong(fields.get("jobs"));
        return new Result("job", "-", system)
            .key("workers", WORKERS)
            .key("msg_bytes", msgBytes)
            .value("jobs_per_s", count * 1e9 / Long.parseLong(fields.get("ns")), 0)
            .value("jobs", count, 0);
    }

    private Peer peer(final String system)
    {
        switch (system)
        {
            case CallTransports.NATS:
                return new ProcessPeer(system, ctx.natsPort, false)
                {
                    public String unavailable()
                    {
                        if (ctx.natsPort <= 0)
                        {
                            return "no nats-server port given (run.sh starts one when nats-server is installed)";
                        }

                        try
                        {
                            Nats.connect("nats://" + ctx.natsHost + ":" + ctx.natsPort).close();
                            return null;
                        }
                        catch (final InterruptedException ex)
                        {
                            Thread.currentThread().interrupt();
                            return "interrupted";
                        }
                        catch (final Exception ex)
                        {
                            return "no nats-server at " + ctx.natsHost + ":" + ctx.natsPort + ": " + ex;
                        }
                    }
                };

            case CallTransports.REDIS:
                return new ProcessPeer(system, ctx.redisPort, true)
                {
                    public String unavailable()
                    {
                        if (ctx.redisPort <= 0)
                        {
                            return "no redis-server port given (run.sh starts one when redis-server is installed)";
                        }

                        try (Jedis jedis = new Jedis(ctx.redisHost, ctx.redisPort))
                        {
                            jedis.ping();
                            return null;
                        }
                        catch (final RuntimeException ex)
                        {
                            return "no redis-server at " + ctx.redisHost + ":" + ctx.redisPort + ": " + ex;
                        }
                    }
                };

            case CallTransports.CLUSTR:
                return new ClustrPeer();

            default:
                throw new IllegalArgumentException("unknown call system '" + system + "' in --call-systems: use " +
                    CallTransports.NATS + ", " + CallTransports.REDIS + " or " + CallTransports.CLUSTR);
        }
    }

    /**
     * A system whose workers and caller the bench starts itself, each a {@link CallWorkerMain} or {@link
     * CallerMain} process with {@code --system <name> --host h --port n}.
     */
    abstract class ProcessPeer implements Peer
    {
        private final String system;
        private final int port;
        private final boolean hasJobs;

        ProcessPeer(final String system, final int port, final boolean hasJobs)
        {
            this.system = system;
            this.port = port;
            this.hasJobs = hasJobs;
        }

        List<String> common(final String mode, final int workers)
        {
            final String host = CallTransports.NATS.equals(system) ? ctx.natsHost : ctx.redisHost;
            return BenchContext.list(
                "--system", system, "--mode", mode, "--host", host, "--port", Integer.toString(port));
        }

        List<String> timed(final List<String> args)
        {
            args.addAll(BenchContext.list(
                "--warmup-ms", Long.toString(ctx.callsWarmupMs), "--duration-ms", Long.toString(ctx.durationMs)));
            return args;
        }

        long timeoutMs()
        {
            return ctx.callsWarmupMs + ctx.durationMs + 60_000;
        }

        List<BenchChild> startWorkers(final String mode, final String function, final int workers)
        {
            return startWorkers(mode, function, workers, false);
        }

        /**
         * @param isRoundTrip the round trip's worker: on the ponger's CPU of {@code --rtt-cpus}.
         */
        List<BenchChild> startWorkers(
            final String mode, final String function, final int workers, final boolean isRoundTrip)
        {
            final List<BenchChild> children = new ArrayList<>();
            try
            {
                for (int i = 0; i < workers; i++)
                {
                    final List<String> args = common(mode, workers);
                    args.addAll(BenchContext.list("--function", function, "--worker", Integer.toString(i)));
                    final String name = system + "-" + function + "-" + mode + "-worker-" + i;
                    children.add(isRoundTrip ? ctx.rttJava(1, name, CallWorkerMain.class, args) :
                        ctx.java(name, CallWorkerMain.class, args));
                }

                for (final BenchChild child : children)
                {
                    child.awaitLine(BenchLine.READY, 30_000);
                }

                return children;
            }
            catch (final RuntimeException ex)
            {
                children.forEach(BenchChild::close);
                throw ex;
            }
        }

        public Served serve(final String function, final int workers, final boolean isRoundTrip)
        {
            final List<BenchChild> children = startWorkers("call", function, workers, isRoundTrip);
            return new Served()
            {
                public Map<String, String> call(final int callers, final int msgBytes)
                {
                    final List<String> args = timed(common("call", workers));
                    args.addAll(BenchContext.list("--function", function, "--callers", Integer.toString(callers),
                        "--msg-bytes", Integer.toString(msgBytes)));
                    final String name = system + "-" + function + "-" + workers + "w-caller-" + callers;
                    try (BenchChild caller = isRoundTrip ?
                        ctx.rttJava(0, name, CallerMain.class, args) : ctx.java(name, CallerMain.class, args))
                    {
                        final Map<String, String> fields =
                            BenchContext.fields(caller.awaitLine("BENCH bench=call", timeoutMs()));
                        caller.awaitExit(30_000);
                        return fields;
                    }
                }

                public void close()
                {
                    children.forEach(BenchChild::stop);
                    children.forEach(BenchChild::awaitStopped);
                }
            };
        }

        public boolean hasJobs()
        {
            return hasJobs;
        }

        public Map<String, String> jobs(final int workers, final int msgBytes)
        {
            final List<BenchChild> children = startWorkers("job", CallFunctions.EMPTY, workers);
            try
            {
                final List<String> args = timed(common("job", workers));
                if (!args.contains("--workers"))
                {
                    args.addAll(BenchContext.list("--workers", Integer.toString(workers)));
                }
                args.addAll(BenchContext.list("--msg-bytes", Integer.toString(msgBytes)));
                try (BenchChild submitter = ctx.java(system + "-job-submitter", CallerMain.class, args))
                {
                    final Map<String, String> fields =
                        BenchContext.fields(submitter.awaitLine("BENCH bench=job", timeoutMs() + 120_000));
                    submitter.awaitExit(30_000);
                    return fields;
                }
            }
            finally
            {
                children.forEach(BenchChild::stop);
                children.forEach(BenchChild::awaitStopped);
            }
        }
    }

    /**
     * clustr: a master (embedded driver) in this process for the length of each workload, and worker and caller
     * processes that join it by hand ({@code --aeron-dir}), each a {@link CallWorkerMain} or {@link CallerMain} with
     * {@code --system clustr} over {@code io.clustr.bench.clustr.ClustrCalls}.
     */
    final class ClustrPeer extends ProcessPeer
    {
        private io.clustr.Master master;

        ClustrPeer()
        {
            super(CallTransports.CLUSTR, 0, true);
        }

        public String unavailable()
        {
            return CallTransports.available(CallTransports.CLUSTR) ? null :
                "io.clustr.bench.clustr.ClustrCalls is not on the class path";
        }

        List<String> common(final String mode, final int workers)
        {
            return BenchContext.list("--system", CallTransports.CLUSTR, "--mode", mode,
                "--aeron-dir", directory(), "--workers", Integer.toString(workers));
        }

        private String directory()
        {
            return ctx.shmDir.resolve("clustr-calls").toString();
        }

        private void startMaster()
        {
            master = io.clustr.Master.create(io.clustr.Options.aeronDirectory(directory()));
        }

        private void stopMaster()
        {
            if (null != master)
            {
                master.close();
                master = null;
            }
        }

        public Served serve(final String function, final int workers, final boolean isRoundTrip)
        {
            startMaster();
            final Served served;
            try
            {
                served = super.serve(function, workers, isRoundTrip);
            }
            catch (final RuntimeException ex)
            {
                stopMaster();
                throw ex;
            }

            return new Served()
            {
                public Map<String, String> call(final int callers, final int msgBytes)
                {
                    return served.call(callers, msgBytes);
                }

                public void close()
                {
                    try
                    {
                        served.close();
                    }
                    finally
                    {
                        stopMaster();
                    }
                }
            };
        }

        public Map<String, String> jobs(final int workers, final int msgBytes)
        {
            startMaster();
            try
            {
                return super.jobs(workers, msgBytes);
            }
            finally
            {
                stopMaster();
            }
        }
    }
}
