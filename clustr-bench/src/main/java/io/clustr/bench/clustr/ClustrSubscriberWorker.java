package io.clustr.bench.clustr;

import io.clustr.MessageHandler;
import io.clustr.Worker;
import io.clustr.bench.Args;
import io.clustr.bench.workload.LinkProbe;
import io.clustr.bench.workload.ThroughputReceiver;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.clustr.Options.group;

/**
 * clustr throughput receiver: a worker of group {@link ClustrBench#SUBSCRIBER_GROUP} counting, on its duty-cycle
 * thread, what arrives on the stream named by {@code --stream} (public, group or private); results go to the
 * master from the main thread.
 */
public final class ClustrSubscriberWorker
{
    private ClustrSubscriberWorker()
    {
    }

    /**
     * Entry point (spawned by {@link ClustrBenchMaster}).
     *
     * @param args {@code --stream public|group|private [--link-probe off|any|cpu]}.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final Args parsed = Args.parse(args);
        final String stream = parsed.required("stream");
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final ThroughputReceiver receiver = new ThroughputReceiver(
            lines::add, LinkProbe.forOption(parsed.string("link-probe", "off")));
        final MessageHandler handler = (msg) -> receiver.onMessage(msg.buffer().getByte(msg.offset()), msg.length());

        try (Worker worker = Worker.create(group(ClustrBench.SUBSCRIBER_GROUP)))
        {
            switch (stream)
            {
                case "public":
                    worker.onPublic(handler);
                    break;

                case "group":
                    worker.onGroup(handler);
                    break;

                case "private":
                    worker.onPrivate(handler);
                    break;

                default:
                    throw new IllegalArgumentException("unknown stream: " + stream);
            }

            worker.confirm(ClustrBench.READY);
            while (!receiver.isDone() || !lines.isEmpty())
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
