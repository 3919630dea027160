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
 *     group handler, so it consumes no stream but its private one.</li>
 *     <li>{@code receive <group> <senders> <messages>}: joins the group with a public, a group and a private handler,
 *     each counting into its own {@link SequenceTracker}, and confirms "ready". When a stream's last sentinel has
 *     arrived it reports the tracker's totals to the master and starts that tracker afresh.</li>
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
            send(worker, Long.parseLong(args[2]));
        }
        else
        {
            receive(worker, Integer.parseInt(args[2]), Long.parseLong(args[3]));
        }
    }

    private static void receive(final Worker worker, final int senders, final long messages)
    {
        final Channel master = Channel.worker(0);
        final SequenceTracker publicTracker = new SequenceTracker("public", senders, messages);
        final SequenceTracker groupTracker = new SequenceTracker("group", senders, messages);
        final SequenceTracker privateTracker = new SequenceTracker("private", senders, messages);

        worker
            .onPublic((msg) ->
            {
                if (publicTracker.onMessage(msg.senderId(), msg.buffer(), msg.offset(), msg.length()))
                {
                    complete(worker, master, publicTracker);
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

    private static void complete(final Worker worker, final Channel master, final SequenceTracker tracker)
    {
        worker.publish(master, tracker.report(worker.id()));
        tracker.reset();
    }

    private static void send(final Worker worker, final long messages) throws InterruptedException
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
