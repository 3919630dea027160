package io.clustr;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.agrona.CloseHelper;

/**
 * A node's counters in the driver's counters file, keyed by node id (type ids in {@link ClustrCounters}): errors,
 * malformed frames, unhandled messages, messages received, the pinned CPU, and how often and by how much the node was
 * cut loose from the public or group stream.
 */
final class NodeCounters implements AutoCloseable
{
    final Counter errors;
    final Counter malformedFrames;
    final Counter unhandledMessages;
    final Counter messagesReceived;
    final Counter pinnedCpu;
    final Counter cutLoose;
    final Counter bytesMissed;

    NodeCounters(final Aeron aeron, final long nodeId, final String group)
    {
        Counter errors = null;
        Counter malformedFrames = null;
        Counter unhandledMessages = null;
        Counter messagesReceived = null;
        Counter pinnedCpu = null;
        Counter cutLoose = null;
        Counter bytesMissed = null;
        try
        {
            errors = ClustrCounters.allocate(aeron, ClustrCounters.ERRORS_TYPE_ID, "errors", nodeId, group);
            malformedFrames = ClustrCounters.allocate(
                aeron, ClustrCounters.MALFORMED_FRAMES_TYPE_ID, "malformed frames", nodeId, group);
            unhandledMessages = ClustrCounters.allocate(
                aeron, ClustrCounters.UNHANDLED_MESSAGES_TYPE_ID, "unhandled messages", nodeId, group);
            messagesReceived = ClustrCounters.allocate(
                aeron, ClustrCounters.MESSAGES_RECEIVED_TYPE_ID, "messages received", nodeId, group);
            pinnedCpu = ClustrCounters.allocate(aeron, ClustrCounters.PINNED_CPU_TYPE_ID, "pinned cpu", nodeId, group);
            pinnedCpu.setRelease(-1);
            cutLoose = ClustrCounters.allocate(aeron, ClustrCounters.CUT_LOOSE_TYPE_ID, "cut loose", nodeId, group);
            bytesMissed = ClustrCounters.allocate(
                aeron, ClustrCounters.BYTES_MISSED_TYPE_ID, "bytes missed", nodeId, group);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(
                errors, malformedFrames, unhandledMessages, messagesReceived, pinnedCpu, cutLoose, bytesMissed);
            throw ex;
        }

        this.errors = errors;
        this.malformedFrames = malformedFrames;
        this.unhandledMessages = unhandledMessages;
        this.messagesReceived = messagesReceived;
        this.pinnedCpu = pinnedCpu;
        this.cutLoose = cutLoose;
        this.bytesMissed = bytesMissed;
    }

    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(
            errors, malformedFrames, unhandledMessages, messagesReceived, pinnedCpu, cutLoose, bytesMissed);
    }
}
