package io.clustr.bench.clustr;

import io.clustr.Configuration;
import io.clustr.Worker;
import io.clustr.bench.Args;
import io.clustr.bench.workload.BenchLine;
import io.clustr.bench.workload.ThroughputPublisher;

import java.util.concurrent.TimeUnit;

import static io.clustr.Options.group;

/**
 * clustr throughput publisher: {@code tryPublish} from the main thread as fast as accepted, idling with clustr's
 * configured idle strategy when back-pressured, through a {@link ThroughputPublisher}.
 */
public final class ClustrPublisherWorker
{
    private ClustrPublisherWorker()
    {
    }

    /**
     * Entry point (spawned by {@link ClustrBenchMaster}).
     *
     * @param args {@code --stream public|group|private [--target id] [--sizes 32,1024] [--warmup-ms n]
     *             [--duration-ms n]}.
     */
    public static void main(final String[] args)
    {
        final Args parsed = Args.parse(args);
        final int[] sizes = parsed.intList("sizes", "32,1024");
        int maxSize = 0;
        for (final int size : sizes)
        {
            maxSize = Math.max(maxSize, size);
        }

        try (Worker worker = Worker.create(group(ClustrBench.PUBLISHER_GROUP)))
        {
            final ThroughputPublisher publisher = new ThroughputPublisher(
                ClustrBench.sink(
                    worker, ClustrBench.channel(parsed.required("stream"), parsed.longValue("target", -1))),
                Configuration.idleStrategy(),
                maxSize);

            final long sent = publisher.run(
                sizes,
                TimeUnit.MILLISECONDS.toNanos(parsed.longValue("warmup-ms", 1000)),
                TimeUnit.MILLISECONDS.toNanos(parsed.longValue("duration-ms", 2000)));
            ClustrBench.report(
                worker, BenchLine.format("bench", "publisher", "sent", sent, "refused", publisher.refused()));
        }
    }
}
