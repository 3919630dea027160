package io.clustr.system;

import io.clustr.Channel;
import io.clustr.Message;
import io.clustr.Options;
import io.clustr.Worker;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker for the soak test, in one of two roles (first argument):
 * <ul>
 *     <li>{@code steady}: group {@code steady}, never killed. It receives the public, its group's and its private
 *     stream, where the master publishes 8 byte sequence numbers 0, 1, 2 ...; per stream it counts messages, numbers
 *     skipped (lost) and numbers at or below one already seen (duplicated or out of order). On the text {@code end} on
 *     a stream it reports {@code soak|myId|<stream>|<received>|<lost>|<disordered>|<cut loose events>} to the
 *     master.</li>
 *     <li>{@code churn}: group {@code churn}; receives the public and its group's stream and does nothing else, until
 *     the test kills it.</li>
 * </ul>
 * Both confirm "ready" once subscribed.
 */
public final class SoakWorker
{
    private SoakWorker()
    {
    }

    public static void main(final String[] args)
    {
        final boolean steady = "steady".equals(args[0]);
        final Worker worker = Worker.create(Options.group(steady ? "steady" : "churn"));
        if (steady)
        {
            final AtomicLong cutLoose = new AtomicLong();
            final Stream publicStream = new Stream("public", worker, cutLoose);
            final Stream groupStream = new Stream("group", worker, cutLoose);
            final Stream privateStream = new Stream("private", worker, cutLoose);
            worker
                .onMissed((kind, bytes) -> cutLoose.incrementAndGet())
                .onPublic(publicStream::onMessage)
                .onGroup(groupStream::onMessage)
                .onPrivate(privateStream::onMessage);
        }
        else
        {
            final long[] received = new long[1];
            worker.onPublic((msg) -> received[0]++).onGroup((msg) -> received[0]++);
        }

        worker.confirm("ready");
    }

    /**
     * One stream's sequence check, on the duty-cycle thread.
     */
    private static final class Stream
    {
        private final String name;
        private final Worker worker;
        private final AtomicLong cutLoose;
        private long next;
        private long received;
        private long lost;
        private long disordered;

        Stream(final String name, final Worker worker, final AtomicLong cutLoose)
        {
            this.name = name;
            this.worker = worker;
            this.cutLoose = cutLoose;
        }

        void onMessage(final Message msg)
        {
            if (Long.BYTES == msg.length())
            {
                final long seq = msg.buffer().getLong(msg.offset());
                received++;
                if (seq > next)
                {
                    lost += seq - next;
                }
                else if (seq < next)
                {
                    disordered++;
                    return;
                }
                next = seq + 1;
            }
            else if ("end".equals(msg.text()))
            {
                worker.publish(Channel.worker(0), "soak|" + worker.id() + "|" + name + "|" + received + "|" + lost +
                    "|" + disordered + "|" + cutLoose.get());
            }
        }
    }
}
