package io.clustr;

import java.util.List;

/**
 * Decoded control frames, as {@link ControlAdapter} delivers them.
 */
interface ControlListener
{
    void onJoin(MemberInfo member);

    void onJoinAck(long workerId, long masterPid, List<MemberInfo> members);

    void onLeave(long workerId, int exitCode);

    void onKill(long targetId, long requesterId, int exitCode);

    void onExit(long workerId, long parentId, long pid, int exitCode, int signal, boolean respawning, String reason);
}
