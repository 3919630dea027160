package io.clustr;

import io.clustr.spawn.ExitStatus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The members a node knows of, and those it knows have left. Changed by the agent only; every change publishes a new
 * immutable {@link View} that any thread reads without a lock, so a reader always sees a worker either as a member or
 * as departed, never as neither.
 * <p>
 * Ids are never reused, so a departed id is remembered (the last {@link #MAX_DEPARTED}) and never re-added by a late
 * or repeated Join or JoinAck.
 */
final class Membership
{
    static final int MAX_DEPARTED = 4096;

    private final HashMap<Long, MemberInfo> members = new HashMap<>();
    private final HashMap<Long, ExitStatus> departed = new HashMap<>();
    private final ArrayDeque<Long> departedOrder = new ArrayDeque<>();
    private volatile View view = View.EMPTY;

    /**
     * @param member that joined.
     * @return true if the member is new.
     */
    boolean join(final MemberInfo member)
    {
        if (departed.containsKey(member.id()))
        {
            return false;
        }

        final boolean isNew = null == members.put(member.id(), member);
        publish();

        return isNew;
    }

    /**
     * @param id     of the member that left.
     * @param status how it left.
     * @return the member, or null if it was not known.
     */
    MemberInfo depart(final long id, final ExitStatus status)
    {
        if (null == departed.putIfAbsent(id, status))
        {
            departedOrder.addLast(id);
            while (departedOrder.size() > MAX_DEPARTED)
            {
                departed.remove(departedOrder.removeFirst());
            }
        }
        final MemberInfo member = members.remove(id);
        publish();

        return member;
    }

    /**
     * @param id of a node.
     * @return true if its departure is recorded (among the last {@code MAX_DEPARTED}).
     */
    boolean hasDeparted(final long id)
    {
        return departed.containsKey(id);
    }

    MemberInfo member(final long id)
    {
        return members.get(id);
    }

    /**
     * @return the members, for the JoinAck the master sends.
     */
    List<MemberInfo> members()
    {
        return view.members;
    }

    /**
     * @return the current snapshot; safe from any thread.
     */
    View view()
    {
        return view;
    }

    private void publish()
    {
        final List<MemberInfo> sorted = new ArrayList<>(members.values());
        sorted.sort(Comparator.comparingLong(MemberInfo::id));
        view = new View(Map.copyOf(members), Map.copyOf(departed), Collections.unmodifiableList(sorted));
    }

    /**
     * An immutable snapshot of the membership.
     */
    static final class View
    {
        static final View EMPTY = new View(Map.of(), Map.of(), List.of());

        private final Map<Long, MemberInfo> membersById;
        private final Map<Long, ExitStatus> departedById;
        private final List<MemberInfo> members;

        private View(
            final Map<Long, MemberInfo> membersById,
            final Map<Long, ExitStatus> departedById,
            final List<MemberInfo> members)
        {
            this.membersById = membersById;
            this.departedById = departedById;
            this.members = members;
        }

        boolean isMember(final long id)
        {
            return membersById.containsKey(id);
        }

        MemberInfo member(final long id)
        {
            return membersById.get(id);
        }

        /**
         * @param id of a node.
         * @return how it left, or null if it is not known to have left.
         */
        ExitStatus departure(final long id)
        {
            return departedById.get(id);
        }

        /**
         * @return the members ordered by id.
         */
        List<MemberInfo> members()
        {
            return members;
        }
    }
}
