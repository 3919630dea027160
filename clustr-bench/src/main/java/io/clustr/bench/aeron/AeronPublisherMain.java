package io.clustr.bench.aeron;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.clustr.bench.Args;
import io.clustr.bench.workload.BenchLine;
import io.clustr.bench.workload.ParentWatch;
import io.clustr.bench.workload.ThroughputPublisher;

import java.util.concurrent.TimeUnit;

/**
 * Raw Aeron throughput publisher: {@code Publication.offer} as fast as accepted, idling with the given strategy when
 * back-pressured, through a {@link ThroughputPublisher}.
 */
public final class AeronPublisherMain
{
    private static final long DRAIN_TIMEOUT_NS = 30_000_000_000L;

    private AeronPublisherMain()
    {
    }

    /**
     * Entry point.
     *
     * @param args {@code --dir <aeron dir> [--term-length n] [--stream id] [--idle alias] [--sizes 32,1024]
     *             [--warmup-ms n] [--duration-ms n]}.
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

        ParentWatch.start();
        try (Aeron aeron = AeronBench.connect(parsed);
            Publication publication = aeron.addPublication(
                AeronBench.channel(parsed), parsed.intValue("stream", AeronBench.THROUGHPUT_STREAM_ID)))
        {
            AeronBench.awaitConnected(publication);
            final ThroughputPublisher publisher = new ThroughputPublisher(
                (buffer, length) -> publication.offer(buffer, 0, length) > 0,
                IdleStrategies.of(parsed.string("idle", "backoff")),
                maxSize);

            final long sent = publisher.run(
                sizes,
                TimeUnit.MILLISECONDS.toNanos(parsed.longValue("warmup-ms", 1000)),
                TimeUnit.MILLISECONDS.toNanos(parsed.longValue("duration-ms", 2000)));
            System.out.println(BenchLine.format("bench", "publisher", "sent", sent));

            final long deadlineNs = System.nanoTime() + DRAIN_TIMEOUT_NS;
            while (publication.isConnected() && System.nanoTime() - deadlineNs < 0)
            {
                Thread.yield();
            }
        }
    }
}
