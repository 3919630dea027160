package io.clustr;

import io.clustr.spawn.ExitStatus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The members a node knows of, and those it knows have left. Written by the duty-cycle thread only, read by any.
 * Ids are never reused, so a departed id is remembered (up to a bound) and never re-added by a late or repeated
 * Join or JoinAck.
 */
final class Membership
{
    private static final int MAX_DEPARTED = 4096;

    private final ConcurrentHashMap<Long, MemberInfo> members = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, ExitStatus> departed = new ConcurrentHashMap<>();
    private final ArrayDeque<Long> departedOrder = new ArrayDeque<>();

    /**
     * @return true if the member is new.
     */
    boolean join(final MemberInfo member)
    {
        if (departed.containsKey(member.id()))
        {
            return false;
        }

        return null == members.put(member.id(), member);
    }

    MemberInfo depart(final long id, final ExitStatus status)
    {
        final MemberInfo member = members.remove(id);
        if (null == departed.putIfAbsent(id, status))
        {
            departedOrder.addLast(id);
            while (departedOrder.size() > MAX_DEPARTED)
            {
                departed.remove(departedOrder.removeFirst());
            }
        }

        return member;
    }

    MemberInfo member(final long id)
    {
        return members.get(id);
    }

    boolean isMember(final long id)
    {
        return members.containsKey(id);
    }

    ExitStatus departure(final long id)
    {
        return departed.get(id);
    }

    List<MemberInfo> members()
    {
        return new ArrayList<>(members.values());
    }
}
