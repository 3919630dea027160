package io.clustr;

import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import io.clustr.codecs.JoinAckEncoder;
import io.clustr.codecs.ListeningEncoder;
import io.clustr.codecs.MessageHeaderEncoder;
import io.clustr.codecs.OperatorAction;
import io.clustr.codecs.OperatorReplyEncoder;
import io.clustr.codecs.OperatorRequestEncoder;
import io.clustr.codecs.OperatorStatus;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ControlAdapterTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final AtomicCounter malformed = new AtomicCounter(new UnsafeBuffer(new byte[128]), 0);
    private final Recorder recorder = new Recorder();
    private final ControlAdapter adapter = new ControlAdapter(null, malformed);

    @Test
    void shouldDecodeJoinAckOnlyForTheWorkerItAnswers()
    {
        adapter.listener(recorder);
        final int length = encodeJoinAck(42, 3);

        recorder.wantedId = 7;
        adapter.onFragment(buffer, 0, length, null);
        assertEquals(List.of(42L), recorder.asked);
        assertEquals(0, recorder.acks.size(), "a JoinAck for another worker is not decoded");

        recorder.wantedId = 42;
        adapter.onFragment(buffer, 0, length, null);
        assertEquals(1, recorder.acks.size());
        assertEquals(3, recorder.acks.get(0).size());
        assertEquals(0, malformed.get());
    }

    @Test
    void shouldDecodeOperatorRequestsAndSkipRepliesAndCountBadOnesAsMalformed()
    {
        adapter.listener(recorder);
        final OperatorRequestEncoder request = new OperatorRequestEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .requestId(5).requesterPid(4242).action(OperatorAction.SCALE).count(3).group("web");
        final int requestLength = MessageHeaderEncoder.ENCODED_LENGTH + request.encodedLength();
        adapter.onFragment(buffer, 0, requestLength, null);
        assertEquals(List.of("5 4242 scale 3 web"), recorder.operatorRequests);
        assertEquals(0, malformed.get());

        adapter.onFragment(buffer, 0, requestLength - 1, null);
        assertEquals(1, recorder.operatorRequests.size(), "a truncated group is not acted on");
        assertEquals(1, malformed.get());

        final OperatorReplyEncoder reply = new OperatorReplyEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .requestId(5).requesterPid(4242).status(OperatorStatus.STARTED).message("scale web 3: started");
        adapter.onFragment(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + reply.encodedLength(), null);
        assertEquals(1, recorder.operatorRequests.size());
        assertEquals(1, recorder.operatorReplies.size());
        assertEquals(1, malformed.get(), "a reply is a valid frame that nodes pass on");

        new OperatorRequestEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .requestId(6).requesterPid(4242).count(0).group("web");
        buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + 16, (byte)47);  // an action that does not exist
        adapter.onFragment(buffer, 0, requestLength, null);
        assertEquals(1, recorder.operatorRequests.size());
        assertEquals(2, malformed.get(), "an unknown action is malformed, not a throw");
    }

    @Test
    void shouldCountATruncatedMemberListAsMalformed()
    {
        adapter.listener(recorder);
        recorder.wantedId = 42;
        final int length = encodeJoinAck(42, 3);

        adapter.onFragment(buffer, 0, length - 5, null);

        assertEquals(0, recorder.acks.size());
        assertEquals(1, malformed.get());
    }

    @Test
    void shouldLetAgentTerminationThroughDataHandlers()
    {
        final HandlerList handlers = new HandlerList();
        handlers.add((message) ->
        {
            throw new AgentTerminationException("stop");
        });
        final DataAdapter data = new DataAdapter(
            null, Channel.Kind.PUBLIC, null, handlers, new HandlerList(), null, Throwable::printStackTrace, malformed,
            malformed, 10);
        buffer.putLong(DataHeaderFlyweight.RESERVED_VALUE_OFFSET, FrameFormat.reservedValue(1, 0),
            ByteOrder.LITTLE_ENDIAN);
        final Header header = new Header(0, 16);
        header.buffer(buffer);
        header.offset(0);

        assertThrows(AgentTerminationException.class,
            () -> data.onWholeMessage(buffer, DataHeaderFlyweight.HEADER_LENGTH, 0, header));
    }

    @Test
    void shouldDecodeListeningForIpv4AndIpv6() throws UnknownHostException
    {
        adapter.listener(recorder);
        final InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080);
        final InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::"), 65535);

        adapter.onFragment(buffer, 0, encodeListening(7, v4.getAddress().getAddress(), v4.getPort()), null);
        adapter.onFragment(buffer, 0, encodeListening(8, v6.getAddress().getAddress(), v6.getPort()), null);

        assertEquals(List.of("7 " + v4, "8 " + v6), recorder.listening);
        assertEquals(0, malformed.get());
    }

    @Test
    void shouldCountABadListeningAsMalformed()
    {
        adapter.listener(recorder);
        final byte[] ip = {127, 0, 0, 1};

        adapter.onFragment(buffer, 0, encodeListening(7, ip, 0), null);
        adapter.onFragment(buffer, 0, encodeListening(7, ip, 65536), null);
        adapter.onFragment(buffer, 0, encodeListening(7, new byte[5], 80), null);
        adapter.onFragment(buffer, 0, encodeListening(7, ip, 80) - 1, null);

        assertEquals(List.of(), recorder.listening);
        assertEquals(4, malformed.get());
    }

    private int encodeListening(final long workerId, final byte[] address, final int port)
    {
        final ListeningEncoder encoder = new ListeningEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .workerId(workerId)
            .port(port)
            .putAddress(address, 0, address.length);

        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int encodeJoinAck(final long workerId, final int members)
    {
        final JoinAckEncoder encoder = new JoinAckEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .workerId(workerId)
            .masterPid(1);
        final JoinAckEncoder.MembersEncoder membersEncoder = encoder.membersCount(members);
        for (int i = 0; i < members; i++)
        {
            membersEncoder.next().workerId(i).parentId(0).pid(100 + i).restarts(0).pinnedCpu(-1).startTimeMs(0)
                .group("web").name("web").cpus("");
        }

        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private static final class Recorder implements ControlListener
    {
        final List<Long> asked = new ArrayList<>();
        final List<List<MemberInfo>> acks = new ArrayList<>();
        final List<String> listening = new ArrayList<>();
        final List<String> operatorRequests = new ArrayList<>();
        final List<Long> operatorReplies = new ArrayList<>();
        long wantedId = -1;

        @Override
        public void onJoin(final MemberInfo member)
        {
        }

        @Override
        public boolean isJoinAckWanted(final long workerId)
        {
            asked.add(workerId);
            return workerId == wantedId;
        }

        @Override
        public void onJoinAck(final long workerId, final long masterPid, final List<MemberInfo> members)
        {
            acks.add(members);
        }

        @Override
        public void onLeave(final long workerId, final int exitCode)
        {
        }

        @Override
        public void onKill(final long targetId, final long requesterId, final int exitCode)
        {
        }

        @Override
        public void onExit(
            final long workerId,
            final long parentId,
            final long pid,
            final int exitCode,
            final int signal,
            final boolean respawning,
            final String reason)
        {
        }

        @Override
        public void onListening(final long workerId, final InetSocketAddress address)
        {
            listening.add(workerId + " " + address);
        }

        @Override
        public void onOperatorRequest(
            final long requestId, final long requesterPid, final boolean reload, final int count, final String group)
        {
            operatorRequests.add(requestId + " " + requesterPid + " " + (reload ? "reload" : "scale") + " " + count +
                " " + group);
        }

        @Override
        public void onOperatorReply()
        {
            operatorReplies.add(1L);
        }
    }
}
