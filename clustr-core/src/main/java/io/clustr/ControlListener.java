package io.clustr;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Decoded control frames, as {@link ControlAdapter} delivers them.
 */
interface ControlListener
{
    void onJoin(MemberInfo member);

    /**
     * A JoinAck carries the whole member list: decoded only for the node it answers, so a cluster's start-up is not
     * quadratic in its size.
     *
     * @param workerId the JoinAck is for.
     * @return true to decode it and call {@link #onJoinAck(long, long, List)}.
     */
    boolean isJoinAckWanted(long workerId);

    void onJoinAck(long workerId, long masterPid, List<MemberInfo> members);

    void onLeave(long workerId, int exitCode);

    void onKill(long targetId, long requesterId, int exitCode);

    void onExit(long workerId, long parentId, long pid, int exitCode, int signal, boolean respawning, String reason);

    /**
     * A node announced a server socket it listens on ({@link Node#announceListening(InetSocketAddress)}).
     *
     * @param workerId the node that listens.
     * @param address  the bound address and port.
     */
    void onListening(long workerId, InetSocketAddress address);

    /**
     * An operator asks for a group operation (only the master acts on it).
     *
     * @param requestId    the requester's id for it.
     * @param requesterPid the operator command's pid.
     * @param reload       true for a rolling restart, false for a scaling to {@code count}.
     * @param count        the group's new size when scaling.
     * @param group        the group.
     */
    default void onOperatorRequest(
        final long requestId, final long requesterPid, final boolean reload, final int count, final String group)
    {
    }

    /**
     * A whole reply to an operator command went by on the control stream: it is for that command, so nodes ignore it.
     */
    default void onOperatorReply()
    {
    }
}
