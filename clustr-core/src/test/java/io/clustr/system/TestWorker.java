package io.clustr.system;

import io.clustr.Channel;
import io.clustr.Message;
import io.clustr.Options;
import io.clustr.Worker;

/**
 * A worker main for system tests: joins the group named by its first argument, reports every message it receives
 * to the master's private stream as {@code kind|myId|senderId|senderGroup|text}, and obeys commands sent to its
 * private stream:
 * <ul>
 *     <li>{@code confirm:<id>}: confirm to the master;</li>
 *     <li>{@code publish:public:<text>}, {@code publish:group:<name>:<text>}, {@code publish:worker:<id>:<text>};</li>
 *     <li>{@code claim:group:<name>:<text>}: the same as a publish to that group, encoded into a claim;</li>
 *     <li>{@code kill:<id>:<code>}: kill another node, report {@code killed|myId|<id>|<exit code>} or
 *     {@code kill-failed|myId|<id>|<message>};</li>
 *     <li>{@code spawn:<group>}: spawn a child TestWorker of that group, report
 *     {@code spawned|myId|childId|childPid};</li>
 *     <li>{@code listen:<port>:<ip>}: announce that it listens there (no socket is opened);</li>
 *     <li>{@code throw}: the handler throws (the worker must keep running);</li>
 *     <li>{@code exit:<code>}: System.exit.</li>
 * </ul>
 * A child it spawned that announces a listening address is reported as
 * {@code child-listening|myId|childId|address}. A private message whose first byte is 0 is echoed back to its sender
 * unchanged. With a second argument {@code ready} it confirms "ready" once joined.
 */
public final class TestWorker
{
    private TestWorker()
    {
    }

    public static void main(final String[] args)
    {
        final Worker worker = Worker.create(Options.group(args[0]));
        final Channel master = Channel.worker(0);
        worker
            .onPublic((msg) -> report(worker, master, "public", msg))
            .onGroup((msg) -> report(worker, master, "group", msg))
            .onPrivate((msg) ->
            {
                if (msg.length() > 0 && 0 == msg.buffer().getByte(msg.offset()))
                {
                    // binary: echo the payload back unchanged, straight from the receive buffer
                    worker.publish(Channel.worker(msg.senderId()), msg.buffer(), msg.offset(), msg.length());
                    return;
                }
                final String text = msg.text();
                if (!command(worker, master, text))
                {
                    report(worker, master, "private", msg);
                }
            })
            .onKill((code) -> System.out.println("kill hook ran with " + code))
            .onLifecycle(new io.clustr.LifecycleListener()
            {
                public void onListening(final io.clustr.WorkerHandle child, final java.net.InetSocketAddress address)
                {
                    worker.publish(master, "child-listening|" + worker.id() + "|" + child.id() + "|" + address);
                }
            });

        if (args.length > 1 && "ready".equals(args[1]))
        {
            worker.confirm("ready");
        }
    }

    private static void report(final Worker worker, final Channel master, final String kind, final Message msg)
    {
        worker.publish(master, kind + "|" + worker.id() + "|" + msg.senderId() + "|" + msg.senderGroup() + "|" +
            msg.text());
    }

    private static boolean command(final Worker worker, final Channel master, final String text)
    {
        if (text.startsWith("confirm:"))
        {
            worker.confirm(text.substring("confirm:".length()));
            return true;
        }
        if (text.startsWith("publish:public:"))
        {
            worker.publish(Channel.PUBLIC, text.substring("publish:public:".length()));
            return true;
        }
        if (text.startsWith("claim:group:"))
        {
            final String[] parts = text.split(":", 4);
            final byte[] bytes = parts[3].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            final io.clustr.Claim claim = worker.claim(Channel.group(parts[2]), bytes.length);
            claim.buffer().putBytes(claim.offset(), bytes);
            claim.commit();
            return true;
        }
        if (text.startsWith("publish:group:"))
        {
            final String[] parts = text.split(":", 4);
            worker.publish(Channel.group(parts[2]), parts[3]);
            return true;
        }
        if (text.startsWith("publish:worker:"))
        {
            final String[] parts = text.split(":", 4);
            worker.publish(Channel.worker(Long.parseLong(parts[2])), parts[3]);
            return true;
        }
        if (text.startsWith("kill:"))
        {
            final String[] parts = text.split(":");
            final long target = Long.parseLong(parts[1]);
            try
            {
                worker.killWorker(target, Integer.parseInt(parts[2])).whenComplete((status, error) ->
                    worker.publish(master, null == error ?
                        "killed|" + worker.id() + "|" + target + "|" + status.code() :
                        "kill-failed|" + worker.id() + "|" + target + "|" + error.getMessage()));
            }
            catch (final RuntimeException ex)
            {
                worker.publish(master, "kill-failed|" + worker.id() + "|" + target + "|" + ex.getMessage());
            }
            return true;
        }
        if (text.startsWith("spawn:"))
        {
            final String group = text.substring("spawn:".length());
            final io.clustr.WorkerHandle child = worker.spawn(java.util.List.of(io.clustr.spawn.Spec.spec(
                TestWorker.class.getName(), io.clustr.spawn.SpawnOption.args(group, "ready")))).get(0);
            worker.publish(master, "spawned|" + worker.id() + "|" + child.id() + "|" + child.pid());
            return true;
        }
        if (text.startsWith("send:"))
        {
            // an acknowledged send; reports when the target acknowledged it, or why it failed
            final String[] parts = text.split(":", 3);
            final long target = Long.parseLong(parts[1]);
            worker.send(Channel.worker(target), parts[2]).whenComplete((ignore, error) -> worker.publish(master,
                (null == error ? "sent|" : "send-failed|") + worker.id() + "|" + target + "|" + parts[2] +
                (null == error ? "" : "|" + error.getMessage())));
            return true;
        }
        if (text.equals("watch"))
        {
            // cluster-wide membership, whoever spawned the members
            worker.onMembership(new io.clustr.MembershipListener()
            {
                public void onJoined(final io.clustr.MemberInfo member)
                {
                    worker.publish(master, "member-joined|" + worker.id() + "|" + member.id() + "|" + member.group());
                }

                public void onLeft(final long memberId, final io.clustr.spawn.ExitStatus status)
                {
                    worker.publish(master, "member-left|" + worker.id() + "|" + memberId + "|" + status.code());
                }
            });
            return true;
        }
        if (text.startsWith("listen:"))
        {
            return listen(worker, text);
        }
        if (text.equals("throw"))
        {
            throw new IllegalStateException("test handler failure");
        }
        if (text.startsWith("exit:"))
        {
            System.exit(Integer.parseInt(text.substring("exit:".length())));
        }

        return false;
    }

    private static boolean listen(final Worker worker, final String text)
    {
        final String[] parts = text.split(":", 3);
        worker.announceListening(new java.net.InetSocketAddress(parts[2], Integer.parseInt(parts[1])));
        return true;
    }
}
