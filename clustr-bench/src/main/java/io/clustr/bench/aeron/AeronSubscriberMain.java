package io.clustr.bench.aeron;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.clustr.bench.Args;
import io.clustr.bench.workload.BenchLine;
import io.clustr.bench.workload.ParentWatch;
import io.clustr.bench.workload.LinkProbe;
import io.clustr.bench.workload.ThroughputReceiver;
import org.agrona.concurrent.IdleStrategy;

/**
 * Raw Aeron throughput subscriber: polls one subscription with the given idle strategy and counts with a
 * {@link ThroughputReceiver}; prints its {@code BENCH} lines to stdout.
 */
public final class AeronSubscriberMain
{
    private AeronSubscriberMain()
    {
    }

    /**
     * Entry point.
     *
     * @param args {@code --dir <aeron dir> [--term-length n] [--stream id] [--idle alias] [--fragment-limit n]
     *             [--payload-offset n] [--link-probe off|any|cpu]}.
     */
    public static void main(final String[] args)
    {
        final Args parsed = Args.parse(args);
        final IdleStrategy idleStrategy = AeronBench.idleStrategy(parsed);
        final int fragmentLimit = parsed.intValue("fragment-limit", 256);
        final int payloadOffset = parsed.intValue("payload-offset", 0);
        final ThroughputReceiver receiver = new ThroughputReceiver(
            System.out::println, LinkProbe.forOption(parsed.string("link-probe", "off")));
        final FragmentHandler handler = new FragmentAssembler(
            (buffer, offset, length, header) ->
                receiver.onMessage(buffer.getByte(offset + payloadOffset), length - payloadOffset));

        ParentWatch.start();
        try (Aeron aeron = AeronBench.connect(parsed);
            Subscription subscription = aeron.addSubscription(
                AeronBench.channel(parsed), parsed.intValue("stream", AeronBench.THROUGHPUT_STREAM_ID)))
        {
            System.out.println(BenchLine.READY);
            while (!receiver.isDone())
            {
                idleStrategy.idle(subscription.poll(handler, fragmentLimit));
            }
        }
    }
}
