package io.clustr.system;

import io.clustr.Channel;
import io.clustr.ClustrException;
import io.clustr.Options;
import io.clustr.Worker;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A worker for the loss and order test, in one of two roles (first argument):
 * <ul>
 *     <li>{@code send <group> <messages>}: joins the group, confirms "ready" and waits for commands on its private
 *     stream: {@code go:public}, {@code go:group:<name>} or {@code go:worker:<id>} make its main thread publish
 *     sequence numbers 0 to {@code messages - 1} there with {@code publish} (blocking while back-pressured), then an
 *     end sentinel, then report {@code sent|myId|<channel>|<messages>|<elapsedMs>} to the master (or, if a publish
 *     fails, {@code send-failed|myId|<channel>|<seq>|<why>}). It has no public or
 *     group handler, so it consumes no stream but its private one. With a fourth argument {@code repeat-end} it then
 *     publishes the end sentinel again every 20 ms until it is told {@code stop} (or closes), for a receiver that
 *     may have been cut loose while the first one went by.</li>
 *     <li>{@code receive <group> <senders> <messages>}: joins the group with a public, a group and a private handler,
 *     each counting into its own {@link SequenceTracker}, and confirms "ready". When a stream's last sentinel has
 *     arrived it reports the tracker's totals to the master and starts that tracker afresh. With two more arguments,
 *     {@code stall <count>:<ms>,...}, its public and its group handler each sleep {@code ms} when they have received
 *     {@code count} messages of their stream, for each pair, and then report {@code stalled|<kind>|myId|<ms slept>}:
 *     a receiver that stalls long enough to be cut loose, and resumes. A last argument {@code tethered} makes it
 *     subscribe to the public and group streams tethered ({@code Options.tethered}). When told it missed messages
 *     it reports {@code cutloose|<kind>|myId|<n> bytes missed|frames=<messages it had received of that stream>}.</li>
 * </ul>
 */
public final class SequenceWorker
{
    private SequenceWorker()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final boolean tethered = "receive".equals(args[0]) && Arrays.asList(args).contains("tethered");
        final Worker worker = tethered ?
            Worker.create(Options.group(args[1]), Options.tethered(Channel.Kind.PUBLIC, Channel.Kind.GROUP)) :
            Worker.create(Options.group(args[1]));
        if ("send".equals(args[0]))
        {
            send(worker, Long.parseLong(args[2]), args.length > 3 && "repeat-end".equals(args[3]));
        }
        else
        {
            receive(worker, Integer.parseInt(args[2]), Long.parseLong(args[3]),
                args.length > 5 && "stall".equals(args[4]) ? args[5] : "");
        }
    }

    private static void receive(final Worker worker, final int senders, final long messages, final String stalls)
    {
        final Channel master = Channel.worker(0);
        final SequenceTracker publicTracker = new SequenceTracker("public", senders, messages);
        final SequenceTracker groupTracker = new SequenceTracker("group", senders, messages);
        final SequenceTracker privateTracker = new SequenceTracker("private", senders, messages);
        final Stalls publicStalls = new Stalls("public", stalls);
        final Stalls groupStalls = new Stalls("group", stalls);

        worker
            .onPublic((msg) ->
            {
                // The message is read before the stall: a handler cut loose while it stalls may find the bytes of
                // its message overwritten afterwards (docs/guarantees.md).
                if (publicTracker.onMessage(msg.senderId(), msg.buffer(), msg.offset(), msg.length()))
                {
                    complete(worker, master, publicTracker);
                }
                publicStalls.onMessage(worker, master);
            })
            .onGroup((msg) ->
            {
                if (groupTracker.onMessage(msg.senderId(), msg.buffer(), msg.offset(), msg.length()))
                {
                    complete(worker, master, groupTracker);
                }
                groupStalls.onMessage(worker, master);
            })
            .onPrivate((msg) ->
            {
                if (privateTracker.onMessage(msg.senderId(), msg.buffer(), msg.offset(), msg.length()))
                {
                    complete(worker, master, privateTracker);
                }
            });

        // Cut loose from a stream (fell too far behind): recorded in the report and told to the master at once, so
        // the test names the receiver instead of failing on a confusing loss count.
        worker.onMissed((kind, bytesMissed) ->
        {
            final String detail = bytesMissed + " bytes missed";
            final SequenceTracker tracker = kind == Channel.Kind.GROUP ? groupTracker : publicTracker;
            tracker.onCutLoose(detail);
            worker.publish(master, "cutloose|" + kind.name().toLowerCase() + "|" + worker.id() + "|" + detail +
                "|frames=" + tracker.frames());
        });
        worker.confirm("ready");
    }

    /**
     * The stalls of one stream's handler: after the {@code count}th message of each pair, sleep its {@code ms}.
     */
    static final class Stalls
    {
        private final String kind;
        private final long[] at;
        private final long[] ms;
        private int next;
        private long received;

        Stalls(final String kind, final String spec)
        {
            this.kind = kind;
            final String[] pairs = spec.isEmpty() ? new String[0] : spec.split(",");
            at = new long[pairs.length];
            ms = new long[pairs.length];
            for (int i = 0; i < pairs.length; i++)
            {
                final String[] pair = pairs[i].split(":");
                at[i] = Long.parseLong(pair[0]);
                ms[i] = Long.parseLong(pair[1]);
            }
        }

        void onMessage(final Worker worker, final Channel master)
        {
            if (next < at.length && ++received == at[next])
            {
                final long startNs = System.nanoTime();
                try
                {
                    Thread.sleep(ms[next++]);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                worker.publish(master, "stalled|" + kind + "|" + worker.id() + "|" +
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
            }
        }
    }

    private static void complete(final Worker worker, final Channel master, final SequenceTracker tracker)
    {
        worker.publish(master, tracker.report(worker.id()));
        tracker.reset();
    }

    private static void send(final Worker worker, final long messages, final boolean repeatEnd)
        throws InterruptedException
    {
        final BlockingQueue<String> commands = new LinkedBlockingQueue<>();
        worker.onPrivate((msg) -> commands.add(msg.text()));
        worker.confirm("ready");

        final UnsafeBuffer payload = new UnsafeBuffer(new byte[SequenceTracker.MESSAGE_LENGTH]);
        payload.putLong(0, worker.id());
        while (!worker.isClosed())
        {
            final String command = commands.poll(100, TimeUnit.MILLISECONDS);
            if (null == command)
            {
                continue;
            }

            final Channel channel = channel(command);
            final long startNs = System.nanoTime();
            long seq = 0;
            try
            {
                for (; seq < messages; seq++)
                {
                    payload.putLong(8, seq);
                    worker.publish(channel, payload, 0, SequenceTracker.MESSAGE_LENGTH);
                }
                payload.putLong(8, SequenceTracker.END);
                worker.publish(channel, payload, 0, SequenceTracker.MESSAGE_LENGTH);
            }
            catch (final ClustrException ex)
            {
                worker.publish(Channel.worker(0), "send-failed|" + worker.id() + "|" + channel + "|" + seq + "|" +
                    ex.getMessage());
                continue;
            }
            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            worker.publish(Channel.worker(0), "sent|" + worker.id() + "|" + channel + "|" + messages + "|" + elapsedMs);
            if (repeatEnd)
            {
                repeatEnd(worker, commands, channel, payload);
            }
        }
    }

    private static void repeatEnd(
        final Worker worker, final BlockingQueue<String> commands, final Channel channel, final UnsafeBuffer payload)
        throws InterruptedException
    {
        try
        {
            while (!worker.isClosed() && !"stop".equals(commands.poll(20, TimeUnit.MILLISECONDS)))
            {
                worker.publish(channel, payload, 0, SequenceTracker.MESSAGE_LENGTH);
            }
        }
        catch (final ClustrException ex)
        {
            if (!worker.isClosed())
            {
                throw ex;
            }
        }
    }

    private static Channel channel(final String command)
    {
        if ("go:public".equals(command))
        {
            return Channel.PUBLIC;
        }
        if (command.startsWith("go:group:"))
        {
            return Channel.group(command.substring("go:group:".length()));
        }
        if (command.startsWith("go:worker:"))
        {
            return Channel.worker(Long.parseLong(command.substring("go:worker:".length())));
        }

        throw new IllegalArgumentException("unknown command: " + command);
    }
}
