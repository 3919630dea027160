package io.clustr;

import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import io.clustr.codecs.JoinAckEncoder;
import io.clustr.codecs.MessageHeaderEncoder;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;

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
            () -> data.onFragment(buffer, DataHeaderFlyweight.HEADER_LENGTH, 0, header));
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
    }
}
