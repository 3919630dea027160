package io.clustr;

import io.aeron.Publication;
import io.clustr.codecs.BooleanType;
import io.clustr.codecs.ExitEncoder;
import io.clustr.codecs.JoinAckEncoder;
import io.clustr.codecs.JoinEncoder;
import io.clustr.codecs.KillEncoder;
import io.clustr.codecs.LeaveEncoder;
import io.clustr.codecs.ListeningEncoder;
import io.clustr.codecs.MessageHeaderEncoder;
import io.clustr.codecs.OperatorReplyEncoder;
import io.clustr.codecs.OperatorStatus;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Collection;

/**
 * Encodes and sends control frames. Used by the agent only, so it needs no lock. Each frame is offered at most
 * {@link #SEND_ATTEMPTS} times; a frame that still fails (the stream is back-pressured or not connected yet) is copied
 * to a queue and offered again on later duty cycles by {@link #flush()}, in order, so control frames are never
 * dropped for a busy stream and the duty cycle never waits on one. The queue is bounded: beyond
 * {@link #MAX_PENDING_FRAMES} the oldest frame is dropped and counted as an error.
 */
final class ControlPublisher implements AutoCloseable
{
    static final int SEND_ATTEMPTS = 3;
    static final int MAX_PENDING_FRAMES = 1024;

    private final Publication publication;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(512);
    private final UnsafeBuffer pendingBuffer = new UnsafeBuffer(new byte[0]);
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final JoinEncoder joinEncoder = new JoinEncoder();
    private final JoinAckEncoder joinAckEncoder = new JoinAckEncoder();
    private final LeaveEncoder leaveEncoder = new LeaveEncoder();
    private final KillEncoder killEncoder = new KillEncoder();
    private final ExitEncoder exitEncoder = new ExitEncoder();
    private final ListeningEncoder listeningEncoder = new ListeningEncoder();
    private final OperatorReplyEncoder operatorReplyEncoder = new OperatorReplyEncoder();
    private long droppedFrames;

    ControlPublisher(final Publication publication)
    {
        this.publication = publication;
    }

    boolean isConnected()
    {
        return publication.isConnected();
    }

    /**
     * @return frames waiting to be sent.
     */
    int pendingFrames()
    {
        return pending.size();
    }

    /**
     * @return frames dropped because the queue was full, since the start.
     */
    long droppedFrames()
    {
        return droppedFrames;
    }

    /**
     * Offer the queued frames again, oldest first, stopping at the first that still fails.
     *
     * @return frames sent.
     */
    int flush()
    {
        int sent = 0;
        byte[] frame;
        while (null != (frame = pending.peekFirst()))
        {
            pendingBuffer.wrap(frame);
            if (!tryOffer(pendingBuffer, frame.length))
            {
                break;
            }
            pending.pollFirst();
            sent++;
        }

        return sent;
    }

    /**
     * Send a join. A join is resent until acknowledged, so a failed one is not queued.
     *
     * @param member this node.
     * @return true if sent.
     */
    boolean join(final MemberInfo member)
    {
        joinEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .workerId(member.id())
            .parentId(member.parentId())
            .pid(member.pid())
            .restarts(member.restarts())
            .pinnedCpu(member.pinnedCpu())
            .startTimeMs(member.startTimeMs())
            .group(member.group())
            .name(member.name())
            .cpus(member.cpus());

        return pending.isEmpty() && tryOffer(buffer, MessageHeaderEncoder.ENCODED_LENGTH + joinEncoder.encodedLength());
    }

    void joinAck(final long workerId, final long masterPid, final Collection<MemberInfo> members)
    {
        joinAckEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .workerId(workerId)
            .masterPid(masterPid);
        final JoinAckEncoder.MembersEncoder membersEncoder = joinAckEncoder.membersCount(members.size());
        for (final MemberInfo member : members)
        {
            membersEncoder.next()
                .workerId(member.id())
                .parentId(member.parentId())
                .pid(member.pid())
                .restarts(member.restarts())
                .pinnedCpu(member.pinnedCpu())
                .startTimeMs(member.startTimeMs())
                .group(member.group())
                .name(member.name())
                .cpus(member.cpus());
        }

        send(MessageHeaderEncoder.ENCODED_LENGTH + joinAckEncoder.encodedLength());
    }

    void leave(final long workerId, final int exitCode)
    {
        leaveEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .workerId(workerId)
            .exitCode(exitCode);

        send(MessageHeaderEncoder.ENCODED_LENGTH + leaveEncoder.encodedLength());
    }

    void kill(final long targetId, final long requesterId, final int exitCode)
    {
        killEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .targetId(targetId)
            .requesterId(requesterId)
            .exitCode(exitCode);

        send(MessageHeaderEncoder.ENCODED_LENGTH + killEncoder.encodedLength());
    }

    void exit(
        final long workerId,
        final long parentId,
        final long pid,
        final int exitCode,
        final int signal,
        final boolean respawning,
        final String reason)
    {
        exitEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .workerId(workerId)
            .parentId(parentId)
            .pid(pid)
            .exitCode(exitCode)
            .signal(signal)
            .respawning(respawning ? BooleanType.TRUE : BooleanType.FALSE)
            .reason(truncate(reason));

        send(MessageHeaderEncoder.ENCODED_LENGTH + exitEncoder.encodedLength());
    }

    /**
     * Announce a server socket this node listens on.
     *
     * @param workerId this node.
     * @param address  a resolved address with a port in 1..65535 (checked by the caller).
     */
    void listening(final long workerId, final InetSocketAddress address)
    {
        final byte[] ip = address.getAddress().getAddress();
        listeningEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .workerId(workerId)
            .port(address.getPort())
            .putAddress(ip, 0, ip.length);

        send(MessageHeaderEncoder.ENCODED_LENGTH + listeningEncoder.encodedLength());
    }

    void operatorReply(
        final long requestId, final long requesterPid, final OperatorStatus status, final String message)
    {
        operatorReplyEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .requestId(requestId)
            .requesterPid(requesterPid)
            .status(status)
            .message(truncate(message));

        send(MessageHeaderEncoder.ENCODED_LENGTH + operatorReplyEncoder.encodedLength());
    }

    private static String truncate(final String reason)
    {
        if (null == reason)
        {
            return "";
        }

        // varUtf8Encoding holds up to 65534 bytes; 4 bytes per char is the worst case.
        return reason.length() > 16_000 ? reason.substring(reason.length() - 16_000) : reason;
    }

    private void send(final int length)
    {
        if (pending.isEmpty() && tryOffer(buffer, length))
        {
            return;
        }

        if (pending.size() >= MAX_PENDING_FRAMES)
        {
            pending.pollFirst();
            droppedFrames++;
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(0, copy);
        pending.addLast(copy);
    }

    private boolean tryOffer(final DirectBuffer frame, final int length)
    {
        for (int i = 0; i < SEND_ATTEMPTS; i++)
        {
            final long result = publication.offer(frame, 0, length);
            if (result > 0)
            {
                return true;
            }
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result ||
                Publication.NOT_CONNECTED == result)
            {
                return false;
            }
            // BACK_PRESSURED or ADMIN_ACTION: worth another immediate attempt
        }

        return false;
    }

    @Override
    public void close()
    {
        publication.close();
    }
}
