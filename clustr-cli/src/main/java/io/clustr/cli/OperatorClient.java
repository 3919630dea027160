package io.clustr.cli;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.clustr.codecs.MessageHeaderDecoder;
import io.clustr.codecs.MessageHeaderEncoder;
import io.clustr.codecs.OperatorAction;
import io.clustr.codecs.OperatorReplyDecoder;
import io.clustr.codecs.OperatorRequestEncoder;
import io.clustr.codecs.OperatorStatus;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The operator side of {@code clustr reload} and {@code clustr scale}: a short-lived Aeron client of the cluster's
 * driver that never joins (so it is no member), subscribes to the control stream, offers an OperatorRequest and
 * prints the master's OperatorReply frames for its request id until SUCCEEDED or FAILED.
 */
final class OperatorClient
{
    private static final long CONNECT_TIMEOUT_MS = 5_000;

    private OperatorClient()
    {
    }

    /**
     * The one cluster with a live master: the one named, else the one whose nodes include the group, else the only
     * one there is.
     */
    static Path findCluster(final Path directory, final String group)
    {
        final List<Path> named = null == directory ? List.of() : List.of(directory);
        final List<Path> withMaster = new ArrayList<>();
        final List<Path> withGroup = new ArrayList<>();
        for (final Clusters.Entry entry : Clusters.read(named))
        {
            if (null == entry.view() || !entry.view().isDriverAlive)
            {
                if (null != directory)
                {
                    throw new CliException(null == entry.view() ? entry.problem() : "the media driver of " +
                        directory + " is not running");
                }
                continue;
            }
            boolean hasMaster = false;
            boolean hasGroup = false;
            for (final NodeView node : entry.view().nodes)
            {
                hasMaster |= 0 == node.id && node.isAlive();
                hasGroup |= group.equals(node.group) && node.isAlive();
            }
            if (hasMaster)
            {
                withMaster.add(entry.directory());
                if (hasGroup)
                {
                    withGroup.add(entry.directory());
                }
            }
        }

        if (withMaster.isEmpty())
        {
            throw new CliException("no running master " + (null == directory ? "in any cluster of this host" :
                "in " + directory) + " (clustr ls lists the clusters)");
        }
        if (1 == withMaster.size())
        {
            return withMaster.get(0);
        }
        if (1 == withGroup.size())
        {
            return withGroup.get(0);
        }
        throw new CliException((withGroup.isEmpty() ? "" : withGroup.size() + " clusters have group '" + group +
            "'; ") + withMaster.size() + " clusters have a master: " + withMaster + "; name one with --dir");
    }

    /**
     * Send the request and print the replies.
     *
     * @return 0 if the master reports success, 1 if it reports a failure.
     */
    static int request(
        final Path directory,
        final int streamId,
        final String commandName,
        final boolean reload,
        final String group,
        final int count,
        final long timeoutMs,
        final PrintWriter out) throws InterruptedException
    {
        final long pid = ProcessHandle.current().pid();
        final long requestId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        final Aeron.Context ctx = new Aeron.Context()
            .aeronDirectoryName(directory.toString())
            .clientName("clustr " + commandName + " (pid " + pid + ")");
        try (Aeron aeron = Aeron.connect(ctx))
        {
            final String channel = KillCommand.controlChannel(aeron.countersReader(), streamId, directory);
            try (Subscription replies = aeron.addSubscription(channel, streamId);
                Publication publication = aeron.addPublication(channel, streamId))
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
                final OperatorRequestEncoder encoder = new OperatorRequestEncoder()
                    .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                    .requestId(requestId)
                    .requesterPid(pid)
                    .action(reload ? OperatorAction.RELOAD : OperatorAction.SCALE)
                    .count(count)
                    .group(group);
                awaitImages(replies);
                ControlOffer.offer(publication, buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(),
                    "the request");

                final int[] outcome = { -1 };
                final MessageHeaderDecoder header = new MessageHeaderDecoder();
                final OperatorReplyDecoder reply = new OperatorReplyDecoder();
                final FragmentHandler handler = (frame, offset, length, h) ->
                {
                    if (length < MessageHeaderDecoder.ENCODED_LENGTH)
                    {
                        return;
                    }
                    header.wrap(frame, offset);
                    if (header.schemaId() != OperatorReplyDecoder.SCHEMA_ID ||
                        header.templateId() != OperatorReplyDecoder.TEMPLATE_ID)
                    {
                        return;
                    }
                    reply.wrap(frame, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
                        header.version());
                    if (reply.requestId() != requestId || reply.requesterPid() != pid)
                    {
                        return;
                    }
                    final short status = reply.statusRaw();
                    out.println(reply.message());
                    out.flush();
                    if (OperatorStatus.SUCCEEDED.value() == status)
                    {
                        outcome[0] = 0;
                    }
                    else if (OperatorStatus.FAILED.value() == status)
                    {
                        outcome[0] = 1;
                    }
                };

                final long startMs = System.currentTimeMillis();
                while (outcome[0] < 0)
                {
                    if (0 == replies.poll(handler, 16))
                    {
                        if (System.currentTimeMillis() - startMs > timeoutMs)
                        {
                            throw new CliException("no answer from the master within " + timeoutMs + " ms; the " +
                                "operation may still be running: watch the master's output, or clustr ls");
                        }
                        TimeUnit.MILLISECONDS.sleep(1);
                    }
                }
                return outcome[0];
            }
        }
        catch (final CliException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            throw new CliException("could not talk to the media driver of " + directory + ": " + ex);
        }
    }

    private static void awaitImages(final Subscription subscription) throws InterruptedException
    {
        final long deadlineMs = System.currentTimeMillis() + CONNECT_TIMEOUT_MS;
        while (subscription.imageCount() == 0)
        {
            if (System.currentTimeMillis() > deadlineMs)
            {
                throw new CliException("no node publishes on the control stream " + subscription.streamId() +
                    ": is the cluster running?");
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }
}
