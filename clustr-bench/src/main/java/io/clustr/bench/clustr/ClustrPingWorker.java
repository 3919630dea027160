package io.clustr.bench.clustr;

import io.clustr.Channel;
import io.clustr.Worker;
import io.clustr.bench.Args;
import io.clustr.bench.workload.LinkProbe;
import io.clustr.bench.workload.RttPinger;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
    public static void main(final String[] args)
    {
        final Args parsed = Args.parse(args);
        final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

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
                final String line = lines.poll();
                if (null != line)
                {
                    ClustrBench.report(worker, line);
                }
                else
                {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }
        }
    }
}
