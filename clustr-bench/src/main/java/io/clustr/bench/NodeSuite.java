package io.clustr.bench;

import io.clustr.bench.workload.BenchLine;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * Node.js child_process IPC peer ({@code process.send}, default JSON serialization): throughput parent -> child
 * and ping-pong, run by {@code ipc-bench.js}; skipped when node is not installed.
 */
final class NodeSuite
{
    static final String SYSTEM = "node";
    static final String STREAM = "ipc-channel";

    private final BenchContext ctx;

    NodeSuite(final BenchContext ctx)
    {
        this.ctx = ctx;
    }

    void run()
    {
        if (null == ctx.node || ctx.node.isEmpty() || !Files.isExecutable(Paths.get(ctx.node)))
        {
            ctx.results.skip(SYSTEM, "node is not installed (give --node /path/to/node)");
            return;
        }

        if (null == ctx.jsDir || !Files.isRegularFile(ctx.jsDir.resolve("ipc-bench.js")))
        {
            ctx.results.skip(SYSTEM, "ipc-bench.js not found (give --js-dir clustr-bench/src/main/js)");
            return;
        }

        throughput();
        rtt();
    }

    private List<String> command(final String mode)
    {
        return BenchContext.list(
            ctx.node, ctx.jsDir.resolve("ipc-bench.js").toString(),
            "--mode", mode,
            "--sizes", ctx.sizesArg(),
            "--warmup-ms", Long.toString(ctx.warmupMs),
            "--duration-ms", Long.toString(ctx.durationMs));
    }

    private void throughput()
    {
        ctx.note("Node child_process IPC throughput: parent -> child");
        try (BenchChild node = ctx.command("node-throughput", command("throughput")))
        {
            node.awaitLine(BenchLine.READY, 30_000);
            for (final int size : ctx.sizes)
            {
                final double rate = BenchContext.rate(BenchContext.fields(
                    node.awaitLine("BENCH bench=throughput", ctx.phaseTimeoutMs())));
                ctx.results.add(new Result("throughput", STREAM, SYSTEM)
                    .key("msg_bytes", size)
                    .key("subscribers", 1)
                    .value("msgs_per_s", rate, 0));
            }

            node.awaitExit(30_000);
        }
    }

    private void rtt()
    {
        ctx.note("Node child_process IPC ping-pong");
        try (BenchChild node = ctx.command("node-rtt", command("rtt")))
        {
            node.awaitLine(BenchLine.READY, 30_000);
            for (final int size : ctx.sizes)
            {
                final Map<String, String> fields = BenchContext.fields(
                    node.awaitLine("BENCH bench=rtt", ctx.phaseTimeoutMs()));
                ctx.results.add(BenchContext.percentiles(
                    new Result("rtt", STREAM, SYSTEM).key("msg_bytes", size), fields));
            }

            node.awaitExit(30_000);
        }
    }
}
