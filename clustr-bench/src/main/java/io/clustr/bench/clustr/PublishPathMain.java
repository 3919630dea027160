package io.clustr.bench.clustr;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.BlockHandler;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import io.clustr.Channel;
import io.clustr.Configuration;
import io.clustr.Master;
import io.clustr.bench.Args;
import io.clustr.bench.workload.MessageSink;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A diagnostic for the publish path, one JVM, one embedded driver: {@code --messages} messages of {@code --size}
 * bytes through raw Aeron ({@code tryClaim} and copy, or {@code offer}) and through clustr (a master's
 * {@code tryPublish} to the public stream, drained by its own duty cycle), interleaved round by round so that every
 * system sees the same machine. Prints the nanoseconds per message of every round and the medians. Every system uses
 * clustr's channel (term length, MTU) and its configured idle strategy. {@code block} publishes as {@code claimrv}
 * does and drains with {@link Subscription#blockPoll}: a handler that walks each block's frames itself, reading
 * every frame's reserved value (the floor of a receive path that hands a run of messages to one call).
 * <ul>
 *     <li>{@code --mode single} (the default): one thread publishes a batch of {@code --batch} messages, then drains
 *     it (raw Aeron's subscription, or the master's duty cycle through its agent invoker); the publishing is timed, or
 *     with {@code --time drain} the draining: each path's own cost, with no other core touching the log.</li>
 *     <li>{@code --mode pair}: one thread publishes as fast as accepted while another drains (a raw subscriber
 *     thread, or the master's duty-cycle thread), as the throughput bench does across processes.</li>
 * </ul>
 *
 * <pre>
 * java -XX:+UseSerialGC @config/jvm/add-opens.args \
 *     -cp "clustr-bench/target/clustr-bench-0.1.0-SNAPSHOT.jar:$(cat clustr-bench/target/bench.classpath)" \
 *     io.clustr.bench.clustr.PublishPathMain --rounds 7 --systems claim,claimrv,clustr
 * </pre>
 */
public final class PublishPathMain
{
    private static final int RAW_STREAM_ID = 9_999;

    private PublishPathMain()
    {
    }

    /**
     * Entry point.
     *
     * @param args {@code [--rounds n] [--messages n] [--size n] [--batch n] [--mode single|pair] [--time publish|drain]
     *             [--systems claim,claimrv,offer,block,clustr]}.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final Args parsed = Args.parse(args);
        final int rounds = parsed.intValue("rounds", 7);
        final long messages = parsed.longValue("messages", 20_000_000L);
        final int size = parsed.intValue("size", 32);
        final int batch = parsed.intValue("batch", 1000);
        final boolean timeDrain = "drain".equals(parsed.string("time", "publish"));
        final List<String> systems = Arrays.asList(parsed.string("systems", "claim,offer,clustr").split(","));
        for (final String system : systems)
        {
            if (!List.of("claim", "claimrv", "offer", "block", "clustr").contains(system))
            {
                throw new IllegalArgumentException(
                    "unknown system: " + system + " (claim, claimrv, offer, block or clustr)");
            }
        }
        final String dir = new File(IoUtil.tmpDirName(), "clustr-publish-path-" + UUID.randomUUID()).getPath();
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(size));

        final boolean single = "single".equals(parsed.string("mode", "single"));
        if (!single && systems.contains("block"))
        {
            throw new IllegalArgumentException("--systems block runs in --mode single only (its drain polls on the " +
                "publishing thread): drop block or the pair mode");
        }
        try (Master master = Master.launch(new Master.Context().aeronDirectoryName(dir).useAgentInvoker(single));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir)))
        {
            final AgentInvoker invoker = master.agentInvoker();
            final AtomicLong clustrReceived = new AtomicLong();
            master.onPublic((message) -> clustrReceived.setRelease(clustrReceived.getPlain() + 1));
            final String channel = Configuration.ipcChannel(Configuration.termLength());
            final Publication publication = aeron.addPublication(channel, RAW_STREAM_ID);
            final Subscription subscription = aeron.addSubscription(channel, RAW_STREAM_ID);
            while (!publication.isConnected())
            {
                Thread.yield();
            }

            final int blockLength = Configuration.fragmentLimit() *
                BitUtil.align(size + DataHeaderFlyweight.HEADER_LENGTH, FrameDescriptor.FRAME_ALIGNMENT);
            final RawDrain drain = new RawDrain(subscription, blockLength);
            final Thread drainThread = new Thread(drain, "raw-drain");
            if (!single)
            {
                drainThread.start();
            }

            final BufferClaim claim = new BufferClaim();
            final MessageSink claimSink = claimSink(publication, claim, false);
            final MessageSink claimRvSink = claimSink(publication, claim, true);
            final MessageSink offerSink = (payload, length) -> publication.offer(payload, 0, length) > 0;
            final MessageSink clustrSink = ClustrBench.sink(master, Channel.PUBLIC);
            final Runnable rawPoll = drain::pollOnce;
            final Runnable blockPoll = drain::blockPollOnce;
            final Runnable clustrPoll = null == invoker ? () -> {} : invoker::invoke; // pair: the agent's thread polls

            final List<List<Double>> results = new ArrayList<>();
            for (int i = 0; i < systems.size(); i++)
            {
                results.add(new ArrayList<>());
            }

            for (int round = 0; round < rounds; round++)
            {
                for (int i = 0; i < systems.size(); i++)
                {
                    final String system = systems.get(i);
                    final boolean isClustr = "clustr".equals(system);
                    final boolean isBlock = "block".equals(system);
                    final MessageSink sink = isClustr ? clustrSink : "offer".equals(system) ? offerSink :
                        "claimrv".equals(system) || isBlock ? claimRvSink : claimSink;
                    final LongSupplier received = isClustr ? clustrReceived::getAcquire : drain::received;
                    final Runnable poll = isClustr ? clustrPoll : isBlock ? blockPoll : rawPoll;
                    final double nsPerMessage = single ?
                        runSingle(sink, buffer, size, messages, batch, received, poll, timeDrain) :
                        runPair(sink, buffer, size, messages, received);
                    results.get(i).add(nsPerMessage);
                    System.out.printf("round=%d system=%s ns_per_msg=%.2f%n", round, system, nsPerMessage);
                }
            }

            printMedians(systems, results, single ? "single" : "pair", size);

            drain.stop();
            if (!single)
            {
                drainThread.join();
            }
        }
        finally
        {
            IoUtil.delete(new File(dir), true);
        }
    }

    private static MessageSink claimSink(
        final Publication publication, final BufferClaim claim, final boolean withReservedValue)
    {
        final long[] sentCounts = new long[8];
        return (payload, length) ->
        {
            if (publication.tryClaim(length, claim) > 0)
            {
                claim.buffer().putBytes(claim.offset(), payload, 0, length);
                if (withReservedValue)
                {
                    // What clustr's publish adds to a raw claim: a reserved value and its sent counts.
                    claim.reservedValue(0x1234_5678_9abcL);
                    sentCounts[2]++;
                    sentCounts[3] += length;
                }
                claim.commit();
                return true;
            }
            return false;
        };
    }

    private static void printMedians(
        final List<String> systems, final List<List<Double>> results, final String mode, final int size)
    {
        final int rounds = results.get(0).size();
        for (int i = 0; i < systems.size(); i++)
        {
            final List<Double> sorted = new ArrayList<>(results.get(i));
            sorted.sort(Double::compare);
            final List<Double> ratios = new ArrayList<>();
            for (int round = 0; round < rounds; round++)
            {
                ratios.add(results.get(i).get(round) / results.get(0).get(round));
            }
            ratios.sort(Double::compare);
            System.out.printf("MEDIAN mode=%s system=%s size=%d ns_per_msg=%.2f ratio_to_%s=%.3f rounds=%s%n",
                mode, systems.get(i), size, sorted.get(sorted.size() / 2), systems.get(0),
                ratios.get(ratios.size() / 2), results.get(i));
        }
    }

    /**
     * One thread: publish a batch, then drain it, until {@code messages} are published; either the publishing is
     * timed (the cost of the publish path alone, with no other core touching the log) or the draining
     * ({@code --time drain}: the receive path's, the duty cycle's own work included for clustr).
     *
     * @return nanoseconds per message published, or drained.
     */
    private static double runSingle(
        final MessageSink sink,
        final UnsafeBuffer buffer,
        final int size,
        final long messages,
        final int batch,
        final LongSupplier received,
        final Runnable poll,
        final boolean timeDrain)
    {
        long publishNs = 0;
        long published = 0;
        long drainNs = 0;
        long drained = 0;
        final long before = received.getAsLong();
        while (published < messages)
        {
            long startNs = System.nanoTime();
            for (int i = 0; i < batch; i++)
            {
                if (!sink.offer(buffer, size))
                {
                    // The driver has not moved the publisher limit on yet: wait for it, untimed.
                    publishNs += System.nanoTime() - startNs;
                    do
                    {
                        poll.run();
                        Thread.yield();
                    }
                    while (!sink.offer(buffer, size));
                    startNs = System.nanoTime();
                }
            }
            publishNs += System.nanoTime() - startNs;
            published += batch;
            final long drainStart = received.getAsLong();
            final long drainStartNs = System.nanoTime();
            while (received.getAsLong() - before < published)
            {
                poll.run();
            }
            drainNs += System.nanoTime() - drainStartNs;
            drained += received.getAsLong() - drainStart;
        }

        return timeDrain ? drainNs / (double)drained : publishNs / (double)published;
    }

    /**
     * Publish {@code messages} through the sink, then wait until all of them are received.
     *
     * @return nanoseconds per message, from the first publish to the last receipt.
     */
    private static double runPair(
        final MessageSink sink,
        final UnsafeBuffer buffer,
        final int size,
        final long messages,
        final LongSupplier received)
    {
        final IdleStrategy idle = Configuration.idleStrategy();
        final long before = received.getAsLong();
        final long startNs = System.nanoTime();
        for (long i = 0; i < messages; i++)
        {
            while (!sink.offer(buffer, size))
            {
                idle.idle();
            }
            idle.reset();
        }
        while (received.getAsLong() - before < messages)
        {
            Thread.onSpinWait();
        }

        return (System.nanoTime() - startNs) / (double)messages;
    }

    private static final class RawDrain implements Runnable
    {
        private final Subscription subscription;
        private final int blockLength;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile long received;
        private long count;
        private long reservedValues; // summed so that the walk's reserved-value loads are not optimised away
        private final FragmentHandler handler = (buffer, offset, length, header) -> count++;
        private final BlockHandler blockHandler = this::onBlock;

        RawDrain(final Subscription subscription, final int blockLength)
        {
            this.subscription = subscription;
            this.blockLength = blockLength;
        }

        long received()
        {
            return received;
        }

        void pollOnce()
        {
            if (subscription.poll(handler, Configuration.fragmentLimit()) > 0)
            {
                received = count;
            }
        }

        /**
         * One block poll, on the publishing thread (single mode only).
         */
        void blockPollOnce()
        {
            if (subscription.blockPoll(blockHandler, blockLength) > 0)
            {
                received = count;
            }
        }

        private void onBlock(
            final DirectBuffer buffer, final int offset, final int length, final int sessionId,
            final int termId)
        {
            long sum = reservedValues;
            long frames = count;
            for (int frameOffset = offset, end = offset + length; frameOffset < end; )
            {
                final int frameLength = buffer.getInt(frameOffset, ByteOrder.LITTLE_ENDIAN);
                if (buffer.getShort(FrameDescriptor.typeOffset(frameOffset), ByteOrder.LITTLE_ENDIAN) !=
                    FrameDescriptor.PADDING_FRAME_TYPE)
                {
                    sum += buffer.getLong(
                        frameOffset + DataHeaderFlyweight.RESERVED_VALUE_OFFSET, ByteOrder.LITTLE_ENDIAN);
                    frames++;
                }
                frameOffset += BitUtil.align(frameLength, FrameDescriptor.FRAME_ALIGNMENT);
            }
            reservedValues = sum;
            count = frames;
        }

        void stop()
        {
            running.set(false);
        }

        @Override
        public void run()
        {
            final IdleStrategy idle = Configuration.idleStrategy();
            while (running.get())
            {
                final int fragments = subscription.poll(handler, Configuration.fragmentLimit());
                if (fragments > 0)
                {
                    received = count;
                }
                idle.idle(fragments);
            }
        }
    }
}
