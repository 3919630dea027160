package io.clustr.patterns.call;

import io.clustr.Channel;
import org.agrona.collections.Long2ObjectHashMap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The caller's view of the servers and its calls: which worker a call goes to, who waits, what fails. Pure logic,
 * no threads and no clock of its own (times are given), so it is tested deterministically; its client calls it
 * under one lock.
 * <ul>
 *     <li>A call goes to the server of its group that serves its function and has the most free slots (as this
 *     caller counts them: its limit less this caller's calls in flight there); ties go to the least recently used.
 *     </li>
 *     <li>When every slot is taken, calls wait FIFO per (group, function); a freed slot takes the oldest waiting call
 *     that its server can run. Past {@code maxQueued} waiting calls, a call fails with {@code QUEUE_FULL}.</li>
 *     <li>A group with no server of the function fails a call at once with {@code NO_SERVER}, unless a member of the
 *     group joined less than the discovery grace ago and has not announced yet (it may be starting its server):
 *     then the call waits for it, up to the grace.</li>
 *     <li>A server that leaves fails the calls in flight on it with {@code WORKER_LEFT}; waiting calls stay queued
 *     for the other servers, or fail with {@code NO_SERVER} when none is left.</li>
 *     <li>A call in flight past its deadline fails with {@code TIMEOUT} but keeps its slot taken until its reply (or
 *     the server's departure): the worker is still running it.</li>
 * </ul>
 */
final class Dispatcher
{
    /**
     * A group name that matches every group (not a valid group name, so never a real one).
     */
    static final String ANY_GROUP = "*";

    /**
     * How far ahead the timer looks once no call has a deadline left to watch (the bound is reset by the next one).
     */
    private static final long NO_DEADLINE_NS = Long.MAX_VALUE / 4;

    static final class Server
    {
        final long id;
        final String group;
        /**
         * Its private channel, made once: calls are sent on it.
         */
        final Channel channel;
        int limit;
        Map<String, Integer> functions;
        int inFlight;
        long lastUsed;
        boolean isWithdrawn;
        /**
         * Set once it is no longer a server of this dispatcher (left, or withdrawn with nothing in flight).
         */
        boolean isForgotten;

        Server(final long id, final String group)
        {
            this.id = id;
            this.group = group;
            this.channel = Channel.worker(id);
        }

        int free()
        {
            return limit - inFlight;
        }

        boolean serves(final String group, final String function)
        {
            return !isWithdrawn && (ANY_GROUP.equals(group) || this.group.equals(group)) &&
                functions.containsKey(function);
        }

        public String toString()
        {
            return "worker " + id + " of group " + group;
        }
    }

    private static final VarHandle QUEUED_COUNT;
    private static final VarHandle IN_FLIGHT_COUNT;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            QUEUED_COUNT = lookup.findVarHandle(Dispatcher.class, "queuedCount", int.class);
            IN_FLIGHT_COUNT = lookup.findVarHandle(Dispatcher.class, "inFlightCount", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final int maxQueued;
    private final long discoveryGraceNs;
    private final Long2ObjectHashMap<Server> servers = new Long2ObjectHashMap<>();
    private final List<Server> serverList = new ArrayList<>();
    private final Map<Long, String> pendingGroups = new HashMap<>();
    private final Map<Long, Long> pendingSinceNs = new HashMap<>();
    private final Map<String, Map<String, FunctionQueue>> queues = new HashMap<>();
    /**
     * Every queue of {@link #queues}, in the order they were made: walked by index on each freed slot (no iterator).
     */
    private final ArrayList<FunctionQueue> queueList = new ArrayList<>();
    /**
     * The queue the last call was looked up in: a submitting loop calls one function, so this saves two lookups.
     */
    private FunctionQueue lastQueue;
    private final Long2ObjectHashMap<Call> inFlight = new Long2ObjectHashMap<>();
    /**
     * Written under the client's lock (release stores, with no fence per call, unlike a volatile's), read without
     * it through {@link #QUEUED_COUNT} and {@link #IN_FLIGHT_COUNT} ({@link CallClient#queued()}): a
     * submitting loop that checks its backlog must not contend with the duty cycle for the lock.
     */
    private int queuedCount;
    private int inFlightCount;

    /**
     * Lower bounds of the deadlines of the queued and of the in-flight calls: the timer's scans of them are skipped
     * until one may have passed, so a long queue costs nothing per tick.
     */
    private long earliestQueuedDeadlineNs;
    private long earliestInFlightDeadlineNs;
    private long useClock;
    private long sequence;

    Dispatcher(final int maxQueued, final long discoveryGraceNs)
    {
        this.maxQueued = maxQueued;
        this.discoveryGraceNs = discoveryGraceNs;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Membership and announcements
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * A worker of a group joined (or was a member when the caller started): until it announces, or the grace
     * passes, calls to its group with no server wait for it.
     */
    void memberJoined(final long id, final String group, final long nowNs)
    {
        if (!servers.containsKey(id))
        {
            pendingGroups.put(id, group);
            pendingSinceNs.put(id, nowNs);
        }
    }

    /**
     * A server announced itself (again): it takes calls from now on, queued ones first.
     *
     * @param out    the queued calls now dispatched to it, to send.
     * @param failed queued calls of a function it no longer serves that no other server can run, failed: a
     *               function's queue holds calls only while a live server of it exists (see {@link #submit}).
     */
    void announced(
        final long id,
        final String group,
        final int limit,
        final List<String> functions,
        final List<Call> out,
        final List<Call> failed)
    {
        pendingGroups.remove(id);
        pendingSinceNs.remove(id);
        Server server = servers.get(id);
        if (null == server)
        {
            server = new Server(id, group);
            servers.put(id, server);
            serverList.add(server);
        }
        server.limit = limit;
        final Map<String, Integer> indices = new HashMap<>();
        for (int i = 0; i < functions.size(); i++)
        {
            indices.put(functions.get(i), i);
        }
        server.functions = indices;
        server.isWithdrawn = false;
        dispatchQueued(server, out);
        if (queuedCount > 0)
        {
            failUnservable(Long.MIN_VALUE, failed);
        }
    }

    /**
     * A server stopped serving: no new calls go to it; its calls in flight still wait for their replies.
     *
     * @param out queued calls that can no longer be served, failed.
     */
    void withdrawn(final long id, final List<Call> out)
    {
        final Server server = servers.get(id);
        if (null != server)
        {
            server.isWithdrawn = true;
            if (0 == server.inFlight)
            {
                forget(server);
            }
            failUnservable(Long.MIN_VALUE, out);
        }
    }

    /**
     * A node left the cluster.
     *
     * @param out its calls in flight, and queued calls no other server can run, failed.
     */
    void memberLeft(final long id, final String reason, final List<Call> out)
    {
        pendingGroups.remove(id);
        pendingSinceNs.remove(id);
        final Server server = servers.get(id);
        if (null == server)
        {
            return;
        }

        forget(server);
        for (final Iterator<Call> it = inFlight.values().iterator(); it.hasNext(); )
        {
            final Call call = it.next();
            if (call.server == server)
            {
                it.remove();
                setInFlightCount(inFlight.size());
                if (!call.isDone)
                {
                    call.isDone = true;
                    out.add(call.fail(new CallException(CallException.Kind.WORKER_LEFT,
                        server + " left the cluster with call " + call.function + " in flight: " + reason)));
                }
            }
        }
        failUnservable(Long.MIN_VALUE, out);
    }

    private void forget(final Server server)
    {
        server.isForgotten = true;
        servers.remove(server.id);
        serverList.remove(server);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Calls
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Dispatch a new call, queue it, or fail it.
     *
     * @return true if it was dispatched ({@link Call#server} set: send it), false if it was queued or failed
     * ({@link Call#error} set, {@link Call#isDone} true).
     */
    boolean submit(final Call call, final long nowNs)
    {
        call.sequence = ++sequence;
        final FunctionQueue waiting = findQueue(call.group, call.function);
        if (null != waiting && !waiting.calls.isEmpty() && pendingGroups.isEmpty())
        {
            // calls of this group and function already wait, so every server of them is busy (a freed slot takes
            // the oldest waiting call it can run before anything else) and one at least is live (a queue no live
            // server can run is failed when its last server leaves, withdraws or re-announces without the function,
            // and while a member is pending this path is not taken): this one waits behind them, with no scan
            enqueue(call, waiting);
            return false;
        }

        final Server server = pick(call.group, call.function);
        if (null != server)
        {
            dispatch(call, server);
            return true;
        }

        if (!hasServer(call.group, call.function) && !hasPending(call.group, nowNs))
        {
            call.isDone = true;
            call.fail(noServer(call));
        }
        else
        {
            enqueue(call, null != waiting ? waiting : queueOf(call.group, call.function));
        }

        return false;
    }

    private void enqueue(final Call call, final FunctionQueue queue)
    {
        if (queuedCount >= maxQueued)
        {
            call.isDone = true;
            call.fail(new CallException(CallException.Kind.QUEUE_FULL, "every slot of " + describe(call.group) +
                " for " + call.function + " is taken and " + queuedCount + " calls already wait (the bound, " +
                "maxQueued): retry later, or raise maxQueued"));
            return;
        }

        queue.calls.addLast(call);
        if (0 == queuedCount || call.deadlineNs - earliestQueuedDeadlineNs < 0)
        {
            earliestQueuedDeadlineNs = call.deadlineNs;
        }
        setQueuedCount(queuedCount + 1);
    }

    /**
     * The reply of a call arrived: its slot is free again.
     *
     * @return the call, or null if unknown; {@link Call#isDone} says whether it still needs completing (false) or
     * timed out before (true).
     */
    Call complete(final long correlationId)
    {
        final Call call = inFlight.remove(correlationId);
        if (null != call)
        {
            setInFlightCount(inFlight.size());
            final Server server = call.server;
            server.inFlight--;
            if (server.isWithdrawn && 0 == server.inFlight)
            {
                forget(server);
            }
        }

        return call;
    }

    /**
     * Dispatch the oldest queued calls the server can run to its free slots.
     */
    void dispatchQueued(final Server server, final List<Call> out)
    {
        while (queuedCount > 0 && server.free() > 0 && !server.isWithdrawn && !server.isForgotten)
        {
            final ArrayDeque<Call> queue = oldestQueueFor(server);
            if (null == queue)
            {
                return;
            }
            final Call call = queue.pollFirst();
            setQueuedCount(queuedCount - 1);
            dispatch(call, server);
            out.add(call);
        }
    }

    /**
     * Time passes: fail the calls past their deadline, and the queued calls whose group has no server left once
     * the discovery grace of its new members has passed.
     */
    void expire(final long nowNs, final List<Call> out)
    {
        if (!inFlight.isEmpty() && earliestInFlightDeadlineNs - nowNs <= 0)
        {
            expireInFlight(nowNs, out);
        }

        if (queuedCount > 0 && earliestQueuedDeadlineNs - nowNs <= 0)
        {
            expireQueued(nowNs, out);
        }

        if (!pendingSinceNs.isEmpty())
        {
            pendingSinceNs.entrySet().removeIf((e) ->
            {
                final boolean isOver = nowNs - e.getValue() >= discoveryGraceNs;
                if (isOver)
                {
                    pendingGroups.remove(e.getKey());
                }
                return isOver;
            });
        }

        if (queuedCount > 0)
        {
            failUnservable(nowNs, out);
        }
    }

    private void expireInFlight(final long nowNs, final List<Call> out)
    {
        // a timed-out call keeps its slot until its reply, but has no deadline left to watch
        long earliestNs = nowNs + NO_DEADLINE_NS;
        for (final Call call : inFlight.values())
        {
            if (call.isDone)
            {
                continue;
            }

            if (call.deadlineNs - nowNs > 0)
            {
                earliestNs = call.deadlineNs - earliestNs < 0 ? call.deadlineNs : earliestNs;
            }
            else
            {
                call.isDone = true;
                call.isTimedOut = true;
                out.add(call.fail(new CallException(CallException.Kind.TIMEOUT, "no reply to " + call.function +
                    " from " + call.server + " within the call's timeout (the worker still runs it and keeps the " +
                    "slot until it replies)")));
            }
        }
        earliestInFlightDeadlineNs = earliestNs;
    }

    private void expireQueued(final long nowNs, final List<Call> out)
    {
        long earliestNs = nowNs + NO_DEADLINE_NS;
        for (int i = 0, n = queueList.size(); i < n; i++)
        {
            for (final Iterator<Call> it = queueList.get(i).calls.iterator(); it.hasNext(); )
            {
                final Call call = it.next();
                if (call.deadlineNs - nowNs > 0)
                {
                    earliestNs = call.deadlineNs - earliestNs < 0 ? call.deadlineNs : earliestNs;
                }
                else
                {
                    it.remove();
                    setQueuedCount(queuedCount - 1);
                    call.isDone = true;
                    out.add(call.fail(new CallException(CallException.Kind.TIMEOUT, "no free slot for " +
                        call.function + " in " + describe(call.group) + " within the call's timeout (the call " +
                        "waited in the queue and was never sent)")));
                }
            }
        }
        earliestQueuedDeadlineNs = earliestNs;
    }

    /**
     * Close: every call fails.
     */
    void closeAll(final String why, final List<Call> out)
    {
        for (final Call call : inFlight.values())
        {
            if (!call.isDone)
            {
                call.isDone = true;
                out.add(call.fail(new CallException(CallException.Kind.CLOSED, why)));
            }
        }
        inFlight.clear();
        setInFlightCount(0);
        for (int i = 0, n = queueList.size(); i < n; i++)
        {
            final ArrayDeque<Call> queue = queueList.get(i).calls;
            for (final Call call : queue)
            {
                call.isDone = true;
                out.add(call.fail(new CallException(CallException.Kind.CLOSED, why)));
            }
            queue.clear();
        }
        setQueuedCount(0);
    }

    private void setQueuedCount(final int count)
    {
        QUEUED_COUNT.setRelease(this, count);
    }

    private void setInFlightCount(final int count)
    {
        IN_FLIGHT_COUNT.setRelease(this, count);
    }

    /**
     * @return calls waiting now; may be read without the lock.
     */
    int queuedCount()
    {
        return (int)QUEUED_COUNT.getAcquire(this);
    }

    /**
     * @return calls in flight now; may be read without the lock.
     */
    int inFlightCount()
    {
        return (int)IN_FLIGHT_COUNT.getAcquire(this);
    }

    Server server(final long id)
    {
        return servers.get(id);
    }

    /**
     * @return true if some member of the group is a live server of the function.
     */
    boolean hasServer(final String group, final String function)
    {
        for (int i = 0, n = serverList.size(); i < n; i++)
        {
            if (serverList.get(i).serves(group, function))
            {
                return true;
            }
        }

        return false;
    }

    /**
     * @return how many live servers of the group serve the function.
     */
    int serverCount(final String group, final String function)
    {
        int count = 0;
        for (int i = 0, n = serverList.size(); i < n; i++)
        {
            if (serverList.get(i).serves(group, function))
            {
                count++;
            }
        }

        return count;
    }

    private boolean hasPending(final String group, final long nowNs)
    {
        for (final Map.Entry<Long, String> e : pendingGroups.entrySet())
        {
            if ((ANY_GROUP.equals(group) || e.getValue().equals(group)) &&
                (Long.MIN_VALUE == nowNs || nowNs - pendingSinceNs.get(e.getKey()) < discoveryGraceNs))
            {
                return true;
            }
        }

        return false;
    }

    private Server pick(final String group, final String function)
    {
        Server best = null;
        for (int i = 0, n = serverList.size(); i < n; i++)
        {
            final Server server = serverList.get(i);
            if (server.free() > 0 && server.serves(group, function) &&
                (null == best || server.free() > best.free() ||
                (server.free() == best.free() && server.lastUsed < best.lastUsed)))
            {
                best = server;
            }
        }

        return best;
    }

    private void dispatch(final Call call, final Server server)
    {
        call.server = server;
        call.functionIndex = server.functions.get(call.function);
        server.inFlight++;
        server.lastUsed = ++useClock;
        if (inFlight.isEmpty() || call.deadlineNs - earliestInFlightDeadlineNs < 0)
        {
            earliestInFlightDeadlineNs = call.deadlineNs;
        }
        inFlight.put(call.correlationId, call);
        setInFlightCount(inFlight.size());
    }

    private ArrayDeque<Call> oldestQueueFor(final Server server)
    {
        ArrayDeque<Call> oldest = null;
        for (int i = 0, n = queueList.size(); i < n; i++)
        {
            final FunctionQueue queue = queueList.get(i);
            final ArrayDeque<Call> calls = queue.calls;
            if (!calls.isEmpty() && (queue.isAnyGroup || queue.group.equals(server.group)) &&
                server.functions.containsKey(queue.function) &&
                (null == oldest || calls.peekFirst().sequence < oldest.peekFirst().sequence))
            {
                oldest = calls;
            }
        }

        return oldest;
    }

    /**
     * @return the queue of the group and function, or null if no call of them has waited yet.
     */
    private FunctionQueue findQueue(final String group, final String function)
    {
        final FunctionQueue last = lastQueue;
        if (null != last && last.group.equals(group) && last.function.equals(function))
        {
            return last;
        }

        final Map<String, FunctionQueue> byFunction = queues.get(group);
        final FunctionQueue queue = null == byFunction ? null : byFunction.get(function);
        if (null != queue)
        {
            lastQueue = queue;
        }

        return queue;
    }

    private FunctionQueue queueOf(final String group, final String function)
    {
        Map<String, FunctionQueue> byFunction = queues.get(group);
        if (null == byFunction)
        {
            byFunction = new HashMap<>();
            queues.put(group, byFunction);
        }
        FunctionQueue queue = byFunction.get(function);
        if (null == queue)
        {
            queue = new FunctionQueue(group, function);
            byFunction.put(function, queue);
            queueList.add(queue);
        }

        return queue;
    }

    /**
     * The calls waiting for a server of one group (or any) that serves one function, FIFO.
     */
    private static final class FunctionQueue
    {
        final String group;
        final String function;
        final boolean isAnyGroup;
        final ArrayDeque<Call> calls = new ArrayDeque<>();

        FunctionQueue(final String group, final String function)
        {
            this.group = group;
            this.function = function;
            this.isAnyGroup = ANY_GROUP.equals(group);
        }
    }

    /**
     * Fail queued calls no server can run and no pending member may: {@code nowNs} {@code Long.MIN_VALUE} counts
     * every pending member as still within its grace.
     */
    private void failUnservable(final long nowNs, final List<Call> out)
    {
        for (int i = 0, n = queueList.size(); i < n; i++)
        {
            final FunctionQueue functionQueue = queueList.get(i);
            final ArrayDeque<Call> queue = functionQueue.calls;
            if (!queue.isEmpty() && !hasServer(functionQueue.group, functionQueue.function) &&
                !hasPending(functionQueue.group, nowNs))
            {
                for (final Call call : queue)
                {
                    call.isDone = true;
                    out.add(call.fail(noServer(call)));
                }
                setQueuedCount(queuedCount - queue.size());
                queue.clear();
            }
        }
    }

    private static CallException noServer(final Call call)
    {
        return new CallException(CallException.Kind.NO_SERVER, "no worker of " + describe(call.group) +
            " serves " + call.function + ": start a CallServer serving it (or check the names)");
    }

    private static String describe(final String group)
    {
        return ANY_GROUP.equals(group) ? "any group" : "group " + group;
    }
}
