package io.clustr.system;

import io.clustr.Channel;
import io.clustr.ClustrException;
import io.clustr.Options;
import io.clustr.Worker;
import org.agrona.concurrent.UnsafeBuffer;

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
 *     {@code stall <count>:<ms>,...}, its public handler sleeps {@code ms} when it has received {@code count}
 *     public messages, for each pair: a receiver that stalls long enough to be cut loose, and resumes.</li>
 * </ul>
 */
public final class SequenceWorker
{
    private SequenceWorker()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final Worker worker = Worker.create(Options.group(args[1]));
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
        final String[] stallList = stalls.isEmpty() ? new String[0] : stalls.split(",");
        final long[] stallAt = new long[stallList.length];
        final long[] stallMs = new long[stallList.length];
        for (int i = 0; i < stallList.length; i++)
        {
            final String[] pair = stallList[i].split(":");
            stallAt[i] = Long.parseLong(pair[0]);
            stallMs[i] = Long.parseLong(pair[1]);
        }
        final long[] publicReceived = new long[1];
        final int[] nextStall = new int[1];

        worker
            .onPublic((msg) ->
            {
                // The message is read before the stall: a handler cut loose while it stalls may find the bytes of
                // its message overwritten afterwards (docs/guarantees.md).
                if (publicTracker.onMessage(msg.senderId(), msg.buffer(), msg.offset(), msg.length()))
                {
                    complete(worker, master, publicTracker);
                }
                final int stall = nextStall[0];
                if (stall < stallAt.length && ++publicReceived[0] == stallAt[stall])
                {
                    nextStall[0]++;
                    stall(stallMs[stall]);
                }
            })
            .onGroup((msg) ->
            {
                if (groupTracker.onMessage(msg.senderId(), msg.buffer(), msg.offset(), msg.length()))
                {
                    complete(worker, master, groupTracker);
                }
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
            (kind == Channel.Kind.GROUP ? groupTracker : publicTracker).onCutLoose(detail);
            worker.publish(master, "cutloose|" + kind.name().toLowerCase() + "|" + worker.id() + "|" + detail);
        });
        worker.confirm("ready");
    }

    private static void stall(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
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
