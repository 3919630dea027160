package io.clustr.bench;

import io.clustr.bench.aeron.AeronConnectMain;
import io.clustr.bench.aeron.AeronIdleMain;
import io.clustr.bench.aeron.AeronPingMain;
import io.clustr.bench.aeron.AeronPongMain;
import io.clustr.bench.aeron.AeronPublisherMain;
import io.clustr.bench.aeron.AeronSubscriberMain;
import io.clustr.bench.aeron.DriverMain;
import io.clustr.bench.workload.BenchLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Raw Aeron, the floor: one standalone SHARED driver process; throughput 1 -> 1 and 1 -> N (each side its own
 * process), ping-pong with each idle strategy, JVM start-up with and without an Aeron connect, idle RSS and idle
 * CPU of plain Aeron clients.
 */
final class AeronSuite
{
    static final String SYSTEM = "aeron";
    static final String STREAM = "ipc";

    private final BenchContext ctx;
    private Path dir;

    AeronSuite(final BenchContext ctx)
    {
        this.ctx = ctx;
    }

    /**
     * JVM start-up floors and idle cost (once per run).
     */
    void runStartupAndIdle()
    {
        withDriver(() ->
        {
            startup();
            idle(driverProcess);
        });
    }

    /**
     * The data-path benches: throughput 1 -> 1 and 1 -> N, ping-pong per idle strategy (once per round).
     */
    void runDataPath()
    {
        withDriver(() ->
        {
            throughput(1);
            throughput(ctx.fanout);
            for (final String idle : ctx.rttIdles)
            {
                rtt(idle);
            }
        });
    }

    private BenchChild driverProcess;

    private void withDriver(final Runnable benches)
    {
        dir = ctx.shmDir.resolve("aeron-raw");
        ctx.note("raw Aeron: driver in " + dir);
        final List<String> driverArgs = BenchContext.list(
            "--dir", dir.toString(), "--term-length", Integer.toString(ctx.termLength));
        try (BenchChild driver = ctx.java("aeron-driver", DriverMain.class, driverArgs))
        {
            driver.awaitLine(BenchLine.READY, 30_000);
            driverProcess = driver;
            benches.run();
        }
        finally
        {
            driverProcess = null;
        }
    }

    /**
     * Only the 1 -> 1 throughput, with its own driver: the smoke test's short real run.
     */
    void runThroughputOnly()
    {
        dir = ctx.shmDir.resolve("aeron-raw");
        final List<String> driverArgs = BenchContext.list(
            "--dir", dir.toString(), "--term-length", Integer.toString(ctx.termLength));
        try (BenchChild driver = ctx.java("aeron-driver", DriverMain.class, driverArgs))
        {
            driver.awaitLine(BenchLine.READY, 30_000);
            throughput(1);
        }
    }

    private List<String> common()
    {
        return BenchContext.list(
            "--dir", dir.toString(), "--term-length", Integer.toString(ctx.termLength), "--idle", ctx.idle);
    }

    private List<String> timed()
    {
        return ctx.timed(common());
    }

    private void startup()
    {
        ctx.note("JVM start-up: bare and with an Aeron connect, " + ctx.startReps + " runs each");
        final List<Double> bare = new ArrayList<>();
        final List<Double> connect = new ArrayList<>();
        ctx.timeToExitMs("jvm-start", Noop.class, List.of());
        ctx.timeToExitMs("jvm-aeron-connect", AeronConnectMain.class, common());
        for (int i = 0; i < ctx.startReps; i++)
        {
            bare.add(ctx.timeToExitMs("jvm-start", Noop.class, List.of()));
            connect.add(ctx.timeToExitMs("jvm-aeron-connect", AeronConnectMain.class, common()));
        }

        ctx.results.add(new Result("jvm_start", "-", "jvm")
            .value("median_ms", Result.median(bare), 1)
            .value("min_ms", bare.stream().mapToDouble(Double::doubleValue).min().orElse(0), 1)
            .value("runs", bare.size(), 0)
            .text("runs_ms", Result.list(bare, 1)));
        ctx.results.add(new Result("jvm_aeron_connect", "-", SYSTEM)
            .value("median_ms", Result.median(connect), 1)
            .value("min_ms", connect.stream().mapToDouble(Double::doubleValue).min().orElse(0), 1)
            .value("runs", connect.size(), 0)
            .text("runs_ms", Result.list(connect, 1)));
    }

    private void throughput(final int subscribers)
    {
        final String bench = 1 == subscribers ? "throughput" : "fanout";
        ctx.note("raw Aeron " + bench + ": 1 publisher -> " + subscribers + " subscriber(s)");
        final List<BenchChild> subs = new ArrayList<>();
        try
        {
            for (int i = 0; i < subscribers; i++)
            {
                final List<String> subArgs = common();
                subArgs.addAll(ctx.linkProbeArgs(false));
                subs.add(ctx.java("aeron-sub-" + i, AeronSubscriberMain.class, subArgs));
            }

            for (final BenchChild sub : subs)
            {
                sub.awaitLine(BenchLine.READY, 30_000);
            }

            try (BenchChild pub = ctx.java("aeron-pub", AeronPublisherMain.class, timed()))
            {
                for (final int size : ctx.sizes)
                {
                    final List<Double> rates = new ArrayList<>();
                    final List<Map<String, String>> lines = new ArrayList<>();
                    for (final BenchChild sub : subs)
                    {
                        final Map<String, String> fields = BenchContext.fields(
                            sub.awaitLine("BENCH bench=throughput", ctx.phaseTimeoutMs()));
                        rates.add(BenchContext.rate(fields));
                        lines.add(fields);
                    }

                    ctx.results.add(
                        Result.throughput(bench, STREAM, SYSTEM, size, subscribers, rates).linkLines(lines));
                }

                pub.awaitExit(30_000);
            }

            for (final BenchChild sub : subs)
            {
                sub.awaitExit(30_000);
            }
        }
        finally
        {
            subs.forEach(BenchChild::close);
        }
    }

    private void rtt(final String idle)
    {
        ctx.note("raw Aeron ping-pong, idle " + idle);
        final List<String> pongArgs = common();
        pongArgs.set(pongArgs.indexOf("--idle") + 1, idle);
        final List<String> pingArgs = timed();
        pingArgs.set(pingArgs.indexOf("--idle") + 1, idle);
        pingArgs.addAll(ctx.linkProbeArgs(true));
        try (BenchChild pong = ctx.rttJava(1, "aeron-pong-" + idle, AeronPongMain.class, pongArgs))
        {
            pong.awaitLine(BenchLine.READY, 30_000);
            try (BenchChild ping = ctx.rttJava(0, "aeron-ping-" + idle, AeronPingMain.class, pingArgs))
            {
                for (final int size : ctx.sizes)
                {
                    final Map<String, String> fields = BenchContext.fieldsWithParts(
                        ping, ping.awaitLine("BENCH bench=rtt", ctx.phaseTimeoutMs()), ctx.phaseTimeoutMs());
                    ctx.results.add(BenchContext.percentiles(
                        new Result("rtt", STREAM, SYSTEM).key("idle", idle).key("msg_bytes", size), fields)
                        .linkLines(List.of(fields)));
                }

                ping.awaitExit(30_000);
            }

            pong.awaitExit(30_000);
        }
    }

    private void idle(final BenchChild driver)
    {
        ctx.note("idle cost: bare JVM and raw Aeron clients");
        try (BenchChild jvm = ctx.java("jvm-idle", Noop.class, List.of("--sleep-ms", "600000")))
        {
            jvm.awaitLine(BenchLine.READY, 30_000);
            BenchContext.sleep(ctx.settleMs);
            ctx.results.add(BenchContext.memory(new Result("idle_rss", "-", "jvm").key("role", "bare"), jvm.pid()));
        }

        final List<BenchChild> clients = new ArrayList<>();
        try
        {
            for (int i = 0; i < ctx.fanout; i++)
            {
                clients.add(ctx.java("aeron-idle-" + i, AeronIdleMain.class, common()));
            }

            for (final BenchChild client : clients)
            {
                client.awaitLine(BenchLine.READY, 30_000);
            }

            BenchContext.sleep(ctx.settleMs);
            ctx.results.add(BenchContext.memory(
                new Result("idle_rss", "-", SYSTEM).key("role", "client"), clients.get(0).pid()));
            ctx.results.add(BenchContext.memory(
                new Result("idle_rss", "-", SYSTEM).key("role", "driver"), driver.pid()));

            final List<Long> pids = new ArrayList<>();
            pids.add(driver.pid());
            clients.forEach((c) -> pids.add(c.pid()));
            ctx.results.add(BenchContext.idleCpu(
                new Result("idle_cpu", "-", SYSTEM).key("processes", pids.size()).key("idle", ctx.idle),
                ctx.cpuPercentOfOneCore(pids, ctx.idleWindowMs),
                ctx.idleWindowMs));
        }
        finally
        {
            clients.forEach(BenchChild::close);
        }
    }
}
