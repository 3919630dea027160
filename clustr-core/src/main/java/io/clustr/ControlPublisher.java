package io.clustr;

import io.aeron.Publication;
import io.clustr.codecs.BooleanType;
import io.clustr.codecs.ExitEncoder;
import io.clustr.codecs.JoinAckEncoder;
import io.clustr.codecs.JoinEncoder;
import io.clustr.codecs.KillEncoder;
import io.clustr.codecs.LeaveEncoder;
import io.clustr.codecs.MessageHeaderEncoder;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Encodes and sends control frames. Control traffic is rare and may come from any thread, so methods are
 * synchronized and frames are encoded into one scratch buffer, then offered with a bounded retry.
 */
final class ControlPublisher implements AutoCloseable
{
    private static final long OFFER_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);

    private final Publication publication;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(512);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final JoinEncoder joinEncoder = new JoinEncoder();
    private final JoinAckEncoder joinAckEncoder = new JoinAckEncoder();
    private final LeaveEncoder leaveEncoder = new LeaveEncoder();
    private final KillEncoder killEncoder = new KillEncoder();
    private final ExitEncoder exitEncoder = new ExitEncoder();
    private final IdleStrategy idleStrategy = new BackoffIdleStrategy(1, 10, 1_000, 1_000_000);

    ControlPublisher(final Publication publication)
    {
        this.publication = publication;
    }

    boolean isConnected()
    {
        return publication.isConnected();
    }

    synchronized boolean join(final MemberInfo member)
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

        return offer(MessageHeaderEncoder.ENCODED_LENGTH + joinEncoder.encodedLength());
    }

    synchronized boolean joinAck(final long workerId, final long masterPid, final Collection<MemberInfo> members)
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

        return offer(MessageHeaderEncoder.ENCODED_LENGTH + joinAckEncoder.encodedLength());
    }

    synchronized boolean leave(final long workerId, final int exitCode)
    {
        leaveEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .workerId(workerId)
            .exitCode(exitCode);

        return offer(MessageHeaderEncoder.ENCODED_LENGTH + leaveEncoder.encodedLength());
    }

    synchronized boolean kill(final long targetId, final long requesterId, final int exitCode)
    {
        killEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .targetId(targetId)
            .requesterId(requesterId)
            .exitCode(exitCode);

        return offer(MessageHeaderEncoder.ENCODED_LENGTH + killEncoder.encodedLength());
    }

    synchronized boolean exit(
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

        return offer(MessageHeaderEncoder.ENCODED_LENGTH + exitEncoder.encodedLength());
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

    private boolean offer(final int length)
    {
        final long deadlineNs = System.nanoTime() + OFFER_TIMEOUT_NS;
        idleStrategy.reset();
        while (true)
        {
            final long result = publication.offer(buffer, 0, length);
            if (result > 0)
            {
                return true;
            }
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result ||
                System.nanoTime() - deadlineNs > 0)
            {
                return false;
            }
            idleStrategy.idle();
        }
    }

    @Override
    public void close()
    {
        publication.close();
    }
}
