package io.clustr;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.clustr.codecs.BooleanType;
import io.clustr.codecs.ExitDecoder;
import io.clustr.codecs.JoinAckDecoder;
import io.clustr.codecs.JoinDecoder;
import io.clustr.codecs.KillDecoder;
import io.clustr.codecs.LeaveDecoder;
import io.clustr.codecs.ListeningDecoder;
import io.clustr.codecs.OperatorAction;
import io.clustr.codecs.OperatorReplyDecoder;
import io.clustr.codecs.OperatorRequestDecoder;
import io.clustr.codecs.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes control frames (join, join ack, leave, kill, exit, listening, operator requests and replies). A frame that
 * does not decode, or whose fields run past its end, is counted as malformed and skipped before anything acts on it.
 */
final class ControlAdapter implements FragmentHandler, AutoCloseable
{
    private static final int FRAGMENT_LIMIT = 16;

    private final Subscription subscription;
    private final FragmentAssembler assembler = new FragmentAssembler(this);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final JoinDecoder joinDecoder = new JoinDecoder();
    private final JoinAckDecoder joinAckDecoder = new JoinAckDecoder();
    private final LeaveDecoder leaveDecoder = new LeaveDecoder();
    private final KillDecoder killDecoder = new KillDecoder();
    private final ExitDecoder exitDecoder = new ExitDecoder();
    private final ListeningDecoder listeningDecoder = new ListeningDecoder();
    private final OperatorRequestDecoder operatorRequestDecoder = new OperatorRequestDecoder();
    private final AtomicCounter malformedFrames;
    private ControlListener listener;

    ControlAdapter(final Subscription subscription, final AtomicCounter malformedFrames)
    {
        this.subscription = subscription;
        this.malformedFrames = malformedFrames;
    }

    void listener(final ControlListener listener)
    {
        this.listener = listener;
    }

    int poll()
    {
        return subscription.poll(assembler, FRAGMENT_LIMIT);
    }

    @SuppressWarnings("MethodLength")
    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final int end = offset + length;
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            malformedFrames.incrementRelease();
            return;
        }

        headerDecoder.wrap(buffer, offset);
        if (headerDecoder.schemaId() != JoinDecoder.SCHEMA_ID)
        {
            malformedFrames.incrementRelease();
            return;
        }

        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();

        try
        {
            switch (headerDecoder.templateId())
            {
                case JoinDecoder.TEMPLATE_ID:
                {
                    if (!fits(bodyOffset, blockLength, JoinDecoder.BLOCK_LENGTH, end))
                    {
                        break;
                    }
                    final JoinDecoder d = joinDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    final MemberInfo member = new MemberInfo(
                        d.workerId(), d.parentId(), d.pid(), d.restarts(), d.pinnedCpu(), d.startTimeMs(),
                        d.group(), d.name(), d.cpus());
                    if (d.limit() <= end)
                    {
                        listener.onJoin(member);
                        return;
                    }
                    break;
                }

                case JoinAckDecoder.TEMPLATE_ID:
                {
                    if (!fits(bodyOffset, blockLength, JoinAckDecoder.BLOCK_LENGTH, end))
                    {
                        break;
                    }
                    final JoinAckDecoder d = joinAckDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    final long workerId = d.workerId();
                    if (!listener.isJoinAckWanted(workerId))
                    {
                        return;
                    }
                    final long masterPid = d.masterPid();
                    final JoinAckDecoder.MembersDecoder membersDecoder = d.members();
                    final int count = membersDecoder.count();
                    final List<MemberInfo> members = new ArrayList<>(count);
                    boolean valid = d.limit() <= end;
                    while (valid && membersDecoder.hasNext())
                    {
                        final JoinAckDecoder.MembersDecoder m = membersDecoder.next();
                        members.add(new MemberInfo(
                            m.workerId(), m.parentId(), m.pid(), m.restarts(), m.pinnedCpu(), m.startTimeMs(),
                            m.group(), m.name(), m.cpus()));
                        valid = d.limit() <= end;
                    }
                    if (valid)
                    {
                        listener.onJoinAck(workerId, masterPid, members);
                        return;
                    }
                    break;
                }

                case LeaveDecoder.TEMPLATE_ID:
                {
                    if (!fits(bodyOffset, blockLength, LeaveDecoder.BLOCK_LENGTH, end))
                    {
                        break;
                    }
                    final LeaveDecoder d = leaveDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    listener.onLeave(d.workerId(), d.exitCode());
                    return;
                }

                case KillDecoder.TEMPLATE_ID:
                {
                    if (!fits(bodyOffset, blockLength, KillDecoder.BLOCK_LENGTH, end))
                    {
                        break;
                    }
                    final KillDecoder d = killDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    listener.onKill(d.targetId(), d.requesterId(), d.exitCode());
                    return;
                }

                case ExitDecoder.TEMPLATE_ID:
                {
                    if (!fits(bodyOffset, blockLength, ExitDecoder.BLOCK_LENGTH, end))
                    {
                        break;
                    }
                    final ExitDecoder d = exitDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    final long workerId = d.workerId();
                    final long parentId = d.parentId();
                    final long pid = d.pid();
                    final int exitCode = d.exitCode();
                    final int signal = d.signal();
                    // read raw: the enum's decoder throws IllegalArgumentException for a value it does not know
                    final short respawningRaw = d.respawningRaw();
                    final boolean respawning = respawningRaw == BooleanType.TRUE.value();
                    final String reason = d.reason();
                    if (d.limit() <= end && (respawning || respawningRaw == BooleanType.FALSE.value()))
                    {
                        listener.onExit(workerId, parentId, pid, exitCode, signal, respawning, reason);
                        return;
                    }
                    break;
                }

                case ListeningDecoder.TEMPLATE_ID:
                {
                    if (!fits(bodyOffset, blockLength, ListeningDecoder.BLOCK_LENGTH, end))
                    {
                        break;
                    }
                    final InetSocketAddress address = decodeListening(
                        listeningDecoder.wrap(buffer, bodyOffset, blockLength, version), end);
                    if (null != address)
                    {
                        listener.onListening(listeningDecoder.workerId(), address);
                        return;
                    }
                    break;
                }

                case OperatorRequestDecoder.TEMPLATE_ID:
                {
                    if (!fits(bodyOffset, blockLength, OperatorRequestDecoder.BLOCK_LENGTH, end))
                    {
                        break;
                    }
                    final OperatorRequestDecoder d =
                        operatorRequestDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    final long requestId = d.requestId();
                    final long requesterPid = d.requesterPid();
                    final short action = d.actionRaw();   // raw: an unknown value is malformed, never a throw
                    final int count = d.count();
                    final String group = d.group();
                    final boolean reload = action == OperatorAction.RELOAD.value();
                    if (d.limit() <= end && (reload || action == OperatorAction.SCALE.value()))
                    {
                        listener.onOperatorRequest(requestId, requesterPid, reload, count, group);
                        return;
                    }
                    break;
                }

                case OperatorReplyDecoder.TEMPLATE_ID:
                {
                    // for the operator command that asked; nodes only check it is whole
                    if (!fits(bodyOffset, blockLength, OperatorReplyDecoder.BLOCK_LENGTH, end))
                    {
                        break;
                    }
                    listener.onOperatorReply();
                    return;
                }

                default:
                    break;
            }
        }
        catch (final IndexOutOfBoundsException ex)
        {
            // a length field pointed outside the buffer: malformed, counted below
        }

        malformedFrames.incrementRelease();
    }

    /**
     * @return the address, or null when the frame is malformed: a port outside 1..65535, an address that is not 4 or
     * 16 bytes, or one that runs past the fragment. The address is raw bytes, so decoding it never asks DNS.
     */
    private static InetSocketAddress decodeListening(final ListeningDecoder d, final int end)
    {
        final int port = d.port();
        final int addressLength = d.addressLength();
        if (port < 1 || port > 65535 || (4 != addressLength && 16 != addressLength) ||
            d.limit() + ListeningDecoder.addressHeaderLength() + addressLength > end)
        {
            return null;
        }

        final byte[] address = new byte[addressLength];
        d.getAddress(address, 0, addressLength);
        try
        {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        }
        catch (final UnknownHostException ex)
        {
            return null;
        }
    }

    private static boolean fits(final int bodyOffset, final int actingBlockLength, final int blockLength, final int end)
    {
        return actingBlockLength >= blockLength && bodyOffset + actingBlockLength <= end;
    }

    @Override
    public void close()
    {
        subscription.close();
    }
}
