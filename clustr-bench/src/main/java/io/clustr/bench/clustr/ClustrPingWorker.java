package io.clustr.bench.clustr;

import io.clustr.Channel;
import io.clustr.Worker;
import io.clustr.bench.Args;
import io.clustr.bench.workload.LinkProbe;
import io.clustr.bench.workload.RttPinger;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.clustr.Options.group;

/**
 * clustr pinger: pings the ponger's private stream; pongs arrive on this worker's private stream and are timed on
 * its duty-cycle thread, which sends the next ping from the handler (the same shape as the raw Aeron pinger).
 */
public final class ClustrPingWorker
{
    private ClustrPingWorker()
    {
    }

    /**
     * Entry point (spawned by {@link ClustrBenchMaster}).
     *
     * @param args {@code --peer <ponger id> [--sizes 32,1024] [--warmup-ms n] [--duration-ms n]
     *             [--link-probe off|any|cpu]}.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final Args parsed = Args.parse(args);
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

        try (Worker worker = Worker.create(group(ClustrBench.PING_GROUP)))
        {
            final Channel peer = Channel.worker(parsed.longValue("peer", -1));
            final RttPinger pinger = new RttPinger(
                ClustrBench.sink(worker, peer),
                parsed.intList("sizes", "32,1024"),
                TimeUnit.MILLISECONDS.toNanos(parsed.longValue("warmup-ms", 1000)),
                TimeUnit.MILLISECONDS.toNanos(parsed.longValue("duration-ms", 2000)),
                lines::add,
                LinkProbe.forOption(parsed.string("link-probe", "off")));
            worker.onPrivate((msg) -> pinger.onPong(RttPinger.sequence(msg.buffer(), msg.offset())));

            pinger.start();
            while (!pinger.isDone() || !lines.isEmpty())
            {
                // Blocks until a line comes (a few times a run) or 100 ms: a main thread waking every few
                // milliseconds would take the CPU from the measured thread (pinned to the same CPU in the round trip).
                final String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (null != line)
                {
                    ClustrBench.report(worker, line);
                }
            }
        }
    }
}
