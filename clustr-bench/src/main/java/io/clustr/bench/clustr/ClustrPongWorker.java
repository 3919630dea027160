package io.clustr.bench.clustr;

import io.clustr.Channel;
import io.clustr.Worker;
import io.clustr.bench.workload.Payload;

import java.util.concurrent.CountDownLatch;

import static io.clustr.Options.group;

/**
 * clustr ponger: echoes every private message back to its sender's private stream from its duty-cycle thread;
 * exits on {@link Payload#QUIT}.
 */
public final class ClustrPongWorker
{
    private ClustrPongWorker()
    {
    }

    /**
     * Entry point (spawned by {@link ClustrBenchMaster}).
     *
     * @param args none.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final CountDownLatch quit = new CountDownLatch(1);
        try (Worker worker = Worker.create(group(ClustrBench.PONG_GROUP)))
        {
            final Long2ChannelCache replyTo = new Long2ChannelCache();
            worker.onPrivate((msg) ->
            {
                if (Payload.QUIT == msg.buffer().getByte(msg.offset()))
                {
                    quit.countDown();
                    return;
                }

                worker.publish(replyTo.channel(msg.senderId()), msg.buffer(), msg.offset(), msg.length());
            });

            worker.confirm(ClustrBench.READY);
            quit.await(); // blocked, not waking every few milliseconds on the CPU the duty cycle is pinned to
        }
    }

    /**
     * Remembers the last reply channel so the echo path does not build a {@link Channel} per message.
     */
    static final class Long2ChannelCache
    {
        private long id = -1;
        private Channel channel;

        Channel channel(final long workerId)
        {
            if (workerId != id)
            {
                channel = Channel.worker(workerId);
                id = workerId;
            }

            return channel;
        }
    }
}
