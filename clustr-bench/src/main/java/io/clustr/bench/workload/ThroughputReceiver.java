package io.clustr.bench.workload;

import java.util.function.Consumer;

/**
 * The receiving side of the throughput bench: counts {@link Payload#DATA} messages between {@link Payload#START}
 * and {@link Payload#END} and reports {@code BENCH bench=throughput msg_bytes=.. msgs=.. ns=..} at each end marker.
 */
public final class ThroughputReceiver
{
    private final Consumer<String> reporter;
    private long count;
    private long warmupCount;
    private long startNs;
    private volatile boolean done;

    /**
     * Create a receiver.
     *
     * @param reporter takes each result line (printed, or sent back to a master).
     */
    public ThroughputReceiver(final Consumer<String> reporter)
    {
        this.reporter = reporter;
    }

    /**
     * Account for one received message.
     *
     * @param type   its first byte.
     * @param length its length in bytes.
     */
    public void onMessage(final byte type, final int length)
    {
        if (Payload.DATA == type)
        {
            count++;
            return;
        }

        switch (type)
        {
            case Payload.WARMUP:
                warmupCount++;
                break;

            case Payload.START:
                count = 0;
                startNs = System.nanoTime();
                break;

            case Payload.END:
                final long elapsedNs = System.nanoTime() - startNs;
                reporter.accept(BenchLine.format(
                    "bench", "throughput", "msg_bytes", length, "msgs", count, "ns", elapsedNs,
                    "warmup_msgs", warmupCount));
                warmupCount = 0;
                break;

            case Payload.QUIT:
                done = true;
                break;

            default:
                break;
        }
    }

    /**
     * Whether the quit marker has been received.
     *
     * @return true once the run is over.
     */
    public boolean isDone()
    {
        return done;
    }
}
