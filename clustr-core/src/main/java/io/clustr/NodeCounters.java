package io.clustr;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.agrona.CloseHelper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A node's counters in the driver's counters file, keyed by node id (type ids in {@link ClustrCounters}), each
 * labelled with the node's id, name, group and pid: the node itself (its state), errors, handler errors, malformed
 * frames, unhandled messages, messages and bytes received and sent (in total and per kind of stream), back-pressure
 * events, restarts, the pinned CPU, and how often and by how much the node was cut loose from the public or group
 * stream.
 * <p>
 * What the hot path counts stays off the shared counters: received messages and bytes are plain fields of each
 * adapter that the agent adds up once per poll batch ({@link #addReceived}, plain stores of running totals kept
 * here: one thread writes them), sent messages, bytes and back-pressure events are plain per-thread fields of each
 * {@link FrameWriter}, per kind of stream, that the agent sums into their counters every 100 ms ({@link #updateSent}).
 */
final class NodeCounters implements AutoCloseable
{
    static final int STREAM_KINDS = Channel.Kind.values().length;

    final Counter node;
    final Counter errors;
    final Counter handlerErrors;
    final Counter malformedFrames;
    final Counter unhandledMessages;
    final Counter messagesReceived;
    final Counter bytesReceived;
    final Counter messagesSent;
    final Counter bytesSent;
    final Counter backPressure;
    final Counter restarts;
    final Counter pinnedCpu;
    final Counter cutLoose;
    final Counter bytesMissed;

    /**
     * Per kind of stream, by {@link Channel.Kind#ordinal()}; null where the node cannot receive that kind.
     */
    final Counter[] streamMessagesReceived = new Counter[STREAM_KINDS];
    final Counter[] streamBytesReceived = new Counter[STREAM_KINDS];
    final Counter[] streamMessagesSent = new Counter[STREAM_KINDS];
    final Counter[] streamBytesSent = new Counter[STREAM_KINDS];
    private final long[] receivedMessages = new long[STREAM_KINDS];
    private final long[] receivedBytes = new long[STREAM_KINDS];
    private long totalMessagesReceived;
    private long totalBytesReceived;
    private final List<Counter> all = new ArrayList<>();
    private DataPublisher sent;

    NodeCounters(final Aeron aeron, final MemberInfo member)
    {
        final long nodeId = member.id();
        final String suffix = " name=" + member.name() + (member.group().isEmpty() ? "" : " group=" + member.group()) +
            " pid=" + member.pid();
        // Every counter is asked for first, then all are awaited together: one wait for the driver, not one each.
        final PendingCounters pending = new PendingCounters(aeron);
        try
        {
            final int nodeSlot = pending.add(ClustrCounters.asyncAllocateNode(aeron, member));
            final int errorsSlot = named(pending, aeron, ClustrCounters.ERRORS_TYPE_ID, "errors", nodeId, suffix);
            final int handlerErrorsSlot = named(
                pending, aeron, ClustrCounters.HANDLER_ERRORS_TYPE_ID, "handler errors", nodeId, suffix);
            final int malformedFramesSlot = named(
                pending, aeron, ClustrCounters.MALFORMED_FRAMES_TYPE_ID, "malformed frames", nodeId, suffix);
            final int unhandledMessagesSlot = named(
                pending, aeron, ClustrCounters.UNHANDLED_MESSAGES_TYPE_ID, "unhandled messages", nodeId, suffix);
            final int messagesReceivedSlot = named(
                pending, aeron, ClustrCounters.MESSAGES_RECEIVED_TYPE_ID, "messages received", nodeId, suffix);
            final int bytesReceivedSlot = named(
                pending, aeron, ClustrCounters.BYTES_RECEIVED_TYPE_ID, "bytes received", nodeId, suffix);
            final int messagesSentSlot = named(
                pending, aeron, ClustrCounters.MESSAGES_SENT_TYPE_ID, "messages sent", nodeId, suffix);
            final int bytesSentSlot = named(
                pending, aeron, ClustrCounters.BYTES_SENT_TYPE_ID, "bytes sent", nodeId, suffix);
            final int backPressureSlot = named(
                pending, aeron, ClustrCounters.BACK_PRESSURE_TYPE_ID, "back pressure", nodeId, suffix);
            final int restartsSlot = named(
                pending, aeron, ClustrCounters.RESTARTS_TYPE_ID, "restarts", nodeId, suffix);
            final int pinnedCpuSlot = named(
                pending, aeron, ClustrCounters.PINNED_CPU_TYPE_ID, "pinned cpu", nodeId, suffix);
            final int cutLooseSlot = named(
                pending, aeron, ClustrCounters.CUT_LOOSE_TYPE_ID, "cut loose", nodeId, suffix);
            final int bytesMissedSlot = named(
                pending, aeron, ClustrCounters.BYTES_MISSED_TYPE_ID, "bytes missed", nodeId, suffix);
            final int[] messagesReceivedSlots = new int[STREAM_KINDS];
            final int[] bytesReceivedSlots = new int[STREAM_KINDS];
            final int[] messagesSentSlots = new int[STREAM_KINDS];
            final int[] bytesSentSlots = new int[STREAM_KINDS];
            for (final Channel.Kind kind : Channel.Kind.values())
            {
                final int i = kind.ordinal();
                final String stream = kind.name().toLowerCase(Locale.ROOT);
                messagesReceivedSlots[i] = -1;
                bytesReceivedSlots[i] = -1;
                if (isReceivable(kind, member))
                {
                    messagesReceivedSlots[i] = named(pending, aeron, ClustrCounters.streamTypeId(
                        ClustrCounters.STREAM_MESSAGES_RECEIVED_TYPE_ID, kind), stream + " messages received", nodeId,
                        suffix);
                    bytesReceivedSlots[i] = named(pending, aeron, ClustrCounters.streamTypeId(
                        ClustrCounters.STREAM_BYTES_RECEIVED_TYPE_ID, kind), stream + " bytes received", nodeId,
                        suffix);
                }
                messagesSentSlots[i] = named(pending, aeron, ClustrCounters.streamTypeId(
                    ClustrCounters.STREAM_MESSAGES_SENT_TYPE_ID, kind), stream + " messages sent", nodeId, suffix);
                bytesSentSlots[i] = named(pending, aeron, ClustrCounters.streamTypeId(
                    ClustrCounters.STREAM_BYTES_SENT_TYPE_ID, kind), stream + " bytes sent", nodeId, suffix);
            }

            final Counter[] counters = pending.await();
            all.addAll(Arrays.asList(counters));
            node = counters[nodeSlot];
            node.setRelease(ClustrCounters.NODE_STARTING);
            errors = counters[errorsSlot];
            handlerErrors = counters[handlerErrorsSlot];
            malformedFrames = counters[malformedFramesSlot];
            unhandledMessages = counters[unhandledMessagesSlot];
            messagesReceived = counters[messagesReceivedSlot];
            bytesReceived = counters[bytesReceivedSlot];
            messagesSent = counters[messagesSentSlot];
            bytesSent = counters[bytesSentSlot];
            backPressure = counters[backPressureSlot];
            restarts = counters[restartsSlot];
            restarts.setRelease(member.restarts());
            pinnedCpu = counters[pinnedCpuSlot];
            pinnedCpu.setRelease(-1);
            cutLoose = counters[cutLooseSlot];
            bytesMissed = counters[bytesMissedSlot];
            for (int i = 0; i < STREAM_KINDS; i++)
            {
                streamMessagesReceived[i] = messagesReceivedSlots[i] < 0 ? null : counters[messagesReceivedSlots[i]];
                streamBytesReceived[i] = bytesReceivedSlots[i] < 0 ? null : counters[bytesReceivedSlots[i]];
                streamMessagesSent[i] = counters[messagesSentSlots[i]];
                streamBytesSent[i] = counters[bytesSentSlots[i]];
            }
        }
        catch (final RuntimeException ex)
        {
            pending.abandon();
            CloseHelper.quietCloseAll(all);
            throw ex;
        }
    }

    private static int named(
        final PendingCounters pending,
        final Aeron aeron,
        final int typeId,
        final String name,
        final long nodeId,
        final String suffix)
    {
        return pending.add(ClustrCounters.asyncAllocateNamed(aeron, typeId, name, nodeId, suffix));
    }

    /**
     * Confirmations reach the master only, group messages only a node with a group.
     */
    private static boolean isReceivable(final Channel.Kind kind, final MemberInfo member)
    {
        switch (kind)
        {
            case CONFIRMATION:
                return 0 == member.id();

            case GROUP:
                return !member.group().isEmpty();

            default:
                return true;
        }
    }

    /**
     * Add what one stream's adapter delivered since the last call (agent thread, once per poll batch). The running
     * totals are this thread's own, so each counter is a plain ordered store, no atomic add.
     *
     * @param kind     of the stream.
     * @param messages delivered, more than 0.
     * @param bytes    of their payloads.
     */
    void addReceived(final Channel.Kind kind, final long messages, final long bytes)
    {
        final int i = kind.ordinal();
        final Counter messagesCounter = streamMessagesReceived[i];
        if (null == messagesCounter || messagesCounter.isClosed())
        {
            return;
        }

        final long streamMessages = receivedMessages[i] + messages;
        final long streamBytes = receivedBytes[i] + bytes;
        receivedMessages[i] = streamMessages;
        receivedBytes[i] = streamBytes;
        messagesCounter.setRelease(streamMessages);
        streamBytesReceived[i].setRelease(streamBytes);

        if (Channel.Kind.CONFIRMATION != kind)
        {
            totalMessagesReceived += messages;
            totalBytesReceived += bytes;
            messagesReceived.setRelease(totalMessagesReceived);
            bytesReceived.setRelease(totalBytesReceived);
        }
    }

    /**
     * @param publisher whose writers' sent counts {@link #updateSent()} sums.
     */
    void sentBy(final DataPublisher publisher)
    {
        sent = publisher;
    }

    /**
     * Bring the sent and back-pressure counters up to date from the node's frame writers (agent thread).
     */
    void updateSent()
    {
        final DataPublisher publisher = sent;
        if (null != publisher)
        {
            publisher.sumSent(this);
        }
    }

    /**
     * @param state one of {@link ClustrCounters#NODE_STARTING}, {@link ClustrCounters#NODE_ONLINE},
     *              {@link ClustrCounters#NODE_LEAVING}.
     */
    void state(final long state)
    {
        if (!node.isClosed())
        {
            node.setRelease(state);
        }
    }

    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(all);
    }
}
