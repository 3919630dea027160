package io.clustr.patterns.call;

import io.clustr.Channel;
import io.clustr.MemberInfo;
import io.clustr.MembershipListener;
import io.clustr.Message;
import io.clustr.Node;
import io.clustr.WorkerInfo;
import io.clustr.spawn.ChildState;
import io.clustr.spawn.ExitStatus;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The caller's side of calls to worker functions (luafan's {@code commander}): any node, master or worker, calls a
 * function that workers of a group serve with {@link CallServer}, and gets its reply.
 * <pre>{@code
 * CallClient calls = CallClient.on(master);
 * calls.call("md5", "digest", bytes).thenAccept((reply) -> use(reply.bytes()));       // a future
 * calls.call("md5", "digest", buffer, 0, length, handler);                            // zero copy, hot path
 * }</pre>
 * <ul>
 *     <li><b>Dispatch</b>: to the server with the most free slots, as this caller counts them (its announced limit
 *     less this caller's calls in flight on it); ties go to the least recently used. Replies match by correlation id
 *     and may come back in any order.</li>
 *     <li><b>Waiting</b>: when every slot is taken the call waits, FIFO per group and function, for a free slot; past
 *     {@link #maxQueued(int)} waiting calls a call fails at once with {@code QUEUE_FULL}.</li>
 *     <li><b>Timeout</b>: each call has one ({@link #timeout(Duration)}, or per call), counted from the call, queue
 *     included; checked every {@link #tickMs(int)} milliseconds.</li>
 *     <li><b>Failures</b>: a remote exception is {@code REMOTE} with its class and message; a worker that leaves fails
 *     its calls in flight at once with {@code WORKER_LEFT}, naming it (its queued calls go to the others); a group
 *     with no server of the function fails at once with {@code NO_SERVER}: "no worker of group X serves Y".</li>
 *     <li><b>Start-up</b>: the client asks every server to announce itself when it starts, and a worker that has
 *     joined but not announced yet (it may be starting its server) holds calls to its group for up to
 *     {@link #discoveryGrace(Duration)} before they fail with {@code NO_SERVER}.</li>
 * </ul>
 * Outcomes are delivered on the node's duty-cycle thread (replies, departures), on the calling thread (failures known
 * at once) or on the client's timer thread (timeouts): never block in them; chain slow work with the
 * {@code ...Async} methods of the future. Methods may be called from any thread.
 */
public final class CallClient implements AutoCloseable
{
    /**
     * Pass as the group to call any server of the function, whatever its group.
     */
    public static final String ANY_GROUP = Dispatcher.ANY_GROUP;

    private static final AtomicLong CORRELATION_IDS = new AtomicLong(System.nanoTime() & 0xFFFF_FFFFL);
    private static final ThreadLocal<ExpandableArrayBuffer> FRAME_BUFFER =
        ThreadLocal.withInitial(() -> new ExpandableArrayBuffer(4096));

    private final Node node;
    private final Object lock = new Object();
    private final List<Call> dutyCycleOut = new ArrayList<>();
    private final List<Call> dutyCycleFailed = new ArrayList<>();
    private final UnsafeBuffer queryFrame = new UnsafeBuffer(new byte[]{ CallFrames.QUERY });
    private volatile Dispatcher dispatcher;
    private long timeoutNs = TimeUnit.SECONDS.toNanos(30);
    private int maxQueued = 65_536;
    private long discoveryGraceNs = TimeUnit.MILLISECONDS.toNanos(1000);
    private int tickMs = 10;
    private Thread timer;
    private volatile boolean isClosed;

    private CallClient(final Node node)
    {
        this.node = node;
    }

    /**
     * A client of calls from this node: configure it, then {@link #start()} it.
     *
     * @param node the calling node, master or worker.
     * @return a new client, not started.
     */
    public static CallClient on(final Node node)
    {
        return new CallClient(Objects.requireNonNull(node, "node must not be null"));
    }

    /**
     * @param timeout default timeout of a call, queue included (30 s by default).
     * @return this.
     */
    public CallClient timeout(final Duration timeout)
    {
        checkNotStarted();
        timeoutNs = checkPositive(timeout, "timeout");
        return this;
    }

    /**
     * @param maxQueued how many calls may wait for a free slot, in all (65,536 by default); past it a call fails with
     *                  {@code QUEUE_FULL}.
     * @return this.
     */
    public CallClient maxQueued(final int maxQueued)
    {
        checkNotStarted();
        if (maxQueued < 0)
        {
            throw new IllegalArgumentException("maxQueued must be 0 or more (0: fail at once when every slot is " +
                "taken), got " + maxQueued);
        }
        this.maxQueued = maxQueued;
        return this;
    }

    /**
     * @param grace how long a worker that has joined but not announced a server holds calls to its group that no
     *              server serves, before they fail with {@code NO_SERVER} (1 s by default).
     * @return this.
     */
    public CallClient discoveryGrace(final Duration grace)
    {
        checkNotStarted();
        discoveryGraceNs = checkPositive(grace, "discovery grace");
        return this;
    }

    /**
     * @param tickMs how often timeouts and discovery graces are checked, in milliseconds (10 by default).
     * @return this.
     */
    public CallClient tickMs(final int tickMs)
    {
        checkNotStarted();
        if (tickMs < 1)
        {
            throw new IllegalArgumentException("tickMs must be at least 1, got " + tickMs);
        }
        this.tickMs = tickMs;
        return this;
    }

    /**
     * Start: listen for servers' announcements, replies and departures, and ask every server to announce itself.
     * Calls may be made as soon as this returns.
     *
     * @return this.
     */
    public CallClient start()
    {
        checkNotStarted();
        dispatcher = new Dispatcher(maxQueued, discoveryGraceNs);
        final long nowNs = System.nanoTime();
        synchronized (lock)
        {
            for (final WorkerInfo worker : node.workers())
            {
                if (ChildState.ONLINE == worker.state() && !worker.group().isEmpty())
                {
                    dispatcher.memberJoined(worker.id(), worker.group(), nowNs);
                }
            }
        }
        node.services().onFrame(this::onFrame);
        node.onMembership(new MembershipListener()
        {
            public void onJoined(final MemberInfo member)
            {
                onMemberJoined(member);
            }

            public void onLeft(final long memberId, final ExitStatus status)
            {
                onMemberLeft(memberId, status);
            }
        });
        node.services().publish(Channel.PUBLIC, queryFrame, 0, 1);

        timer = new Thread(this::runTimer, "clustr-calls-timer-" + node.id());
        timer.setDaemon(true);
        timer.start();
        return this;
    }

    /**
     * Call a function with the client's timeout: see {@link #call(String, String, DirectBuffer, int, int, long,
     * ReplyHandler)}.
     *
     * @param group    the servers' group, or {@link #ANY_GROUP}.
     * @param function the function's name.
     * @param payload  the request.
     * @return the reply, or a {@link CallException}.
     */
    public CompletableFuture<Reply> call(final String group, final String function, final byte[] payload)
    {
        Objects.requireNonNull(payload, "payload must not be null: call with new byte[0] for an empty request");
        final FutureHandler handler = new FutureHandler();
        call(group, function, new UnsafeBuffer(payload), 0, payload.length, timeoutNs, handler);
        return handler.future;
    }

    /**
     * Call a function with a UTF-8 request and the client's timeout.
     *
     * @param group    the servers' group, or {@link #ANY_GROUP}.
     * @param function the function's name.
     * @param text     the request.
     * @return the reply, or a {@link CallException}.
     */
    public CompletableFuture<Reply> call(final String group, final String function, final String text)
    {
        Objects.requireNonNull(text, "payload must not be null");
        return call(group, function, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Call a function with its own timeout.
     *
     * @param group    the servers' group, or {@link #ANY_GROUP}.
     * @param function the function's name.
     * @param payload  the request.
     * @param timeout  of this call, queue included.
     * @return the reply, or a {@link CallException}.
     */
    public CompletableFuture<Reply> call(
        final String group, final String function, final byte[] payload, final Duration timeout)
    {
        Objects.requireNonNull(payload, "payload must not be null: call with new byte[0] for an empty request");
        final FutureHandler handler = new FutureHandler();
        call(group, function, new UnsafeBuffer(payload), 0, payload.length, checkPositive(timeout, "timeout"),
            handler);
        return handler.future;
    }

    /**
     * Call a function, the zero-copy form for the hot path: the request is copied once into the stream's log (and
     * once more only if it has to wait for a slot), and the reply is handed to the handler as a view over the log.
     *
     * @param group     the servers' group, or {@link #ANY_GROUP}.
     * @param function  the function's name.
     * @param buffer    holding the request.
     * @param offset    of the request.
     * @param length    of the request.
     * @param timeoutNs of this call, queue included, in nanoseconds.
     * @param handler   told the outcome, exactly once.
     */
    public void call(
        final String group,
        final String function,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long timeoutNs,
        final ReplyHandler handler)
    {
        Objects.requireNonNull(buffer, "buffer must not be null");
        call(group, function, buffer, null, offset, length, timeoutNs, handler);
    }

    /**
     * Call a function with a request array handed over to the call: it is never copied on the heap, not even when
     * the call waits for a slot (it waits as itself), so the array must not change until the handler is told. The
     * form for many calls queued at once (a job backlog): one object less and no copy per waiting call.
     *
     * @param group     the servers' group, or {@link #ANY_GROUP}.
     * @param function  the function's name.
     * @param request   the request, whole; the call's until its outcome.
     * @param timeoutNs of this call, queue included, in nanoseconds.
     * @param handler   told the outcome, exactly once.
     */
    public void call(
        final String group,
        final String function,
        final byte[] request,
        final long timeoutNs,
        final ReplyHandler handler)
    {
        Objects.requireNonNull(request, "request must not be null: call with new byte[0] for an empty request");
        call(group, function, null, request, 0, request.length, timeoutNs, handler);
    }

    private void call(
        final String group,
        final String function,
        final DirectBuffer buffer,
        final byte[] owned,
        final int offset,
        final int length,
        final long timeoutNs,
        final ReplyHandler handler)
    {
        Objects.requireNonNull(group, "group must not be null: a group name, or CallClient.ANY_GROUP");
        Objects.requireNonNull(function, "function must not be null");
        Objects.requireNonNull(handler, "reply handler must not be null");
        if (null == dispatcher)
        {
            throw new IllegalStateException("start() the CallClient before calling");
        }

        final long nowNs = System.nanoTime();
        final Call call = new Call(CORRELATION_IDS.incrementAndGet(), group, function, nowNs + timeoutNs, handler);
        call.payloadLength = length;
        if (null != owned)
        {
            call.heldPayload = owned;
        }
        final boolean isDispatched;
        synchronized (lock)
        {
            if (isClosed)
            {
                call.isDone = true;
                call.fail(new CallException(CallException.Kind.CLOSED, "the CallClient of node " + node.id() +
                    " is closed"));
                isDispatched = false;
            }
            else
            {
                isDispatched = dispatcher.submit(call, nowNs);
                if (!isDispatched && !call.isDone && null == owned)
                {
                    // it waits, and the caller may reuse its buffer as soon as this returns
                    final byte[] copy = new byte[length];
                    buffer.getBytes(offset, copy);
                    call.heldPayload = copy;
                }
            }
        }

        if (isDispatched)
        {
            if (null == owned)
            {
                call.payload = buffer;
                call.payloadOffset = offset;
            }
            send(call, null);
        }
        else if (null != call.error)
        {
            notifyError(call);
        }
    }

    /**
     * @return the default timeout of a call, in nanoseconds.
     */
    public long timeoutNs()
    {
        return timeoutNs;
    }

    /**
     * @return calls waiting for a free slot now.
     */
    public int queued()
    {
        // read without the lock, so that a loop watching its backlog does not contend with the duty cycle
        final Dispatcher current = dispatcher;
        return null == current ? 0 : current.queuedCount();
    }

    /**
     * @return calls sent and not replied to now (timed out ones included until their reply or worker's departure).
     */
    public int inFlight()
    {
        final Dispatcher current = dispatcher;
        return null == current ? 0 : current.inFlightCount();
    }

    /**
     * @param group    the servers' group, or {@link #ANY_GROUP}.
     * @param function the function's name.
     * @return true if this client knows a server of the group that serves the function.
     */
    public boolean hasServer(final String group, final String function)
    {
        synchronized (lock)
        {
            return null != dispatcher && dispatcher.hasServer(group, function);
        }
    }

    /**
     * @param workerId a server's id.
     * @return this client's calls in flight on that server now (0 if it is not a known server).
     */
    public int inFlightOn(final long workerId)
    {
        synchronized (lock)
        {
            final Dispatcher.Server server = null == dispatcher ? null : dispatcher.server(workerId);
            return null == server ? 0 : server.inFlight;
        }
    }

    /**
     * @param group    the servers' group, or {@link #ANY_GROUP}.
     * @param function the function's name.
     * @return how many servers of the group serving the function this client knows.
     */
    public int serverCount(final String group, final String function)
    {
        synchronized (lock)
        {
            return null == dispatcher ? 0 : dispatcher.serverCount(group, function);
        }
    }

    /**
     * @return the node this client calls from.
     */
    public Node node()
    {
        return node;
    }

    /**
     * Fail every call waiting or in flight with {@code CLOSED} and stop the timer. The node stays up; close the
     * client before the node.
     */
    @Override
    public void close()
    {
        final List<Call> out = new ArrayList<>();
        synchronized (lock)
        {
            if (isClosed)
            {
                return;
            }
            isClosed = true;
            if (null != dispatcher)
            {
                dispatcher.closeAll("the CallClient of node " + node.id() + " closed before the reply", out);
            }
        }
        if (null != timer)
        {
            timer.interrupt();
        }
        notifyAll(out);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Events, on the duty-cycle thread
    // ----------------------------------------------------------------------------------------------------------------

    private void onFrame(final Message msg)
    {
        if (isClosed || msg.length() < 1)
        {
            return;
        }

        final DirectBuffer buffer = msg.buffer();
        final int offset = msg.offset();
        final byte type = buffer.getByte(offset);
        if (CallFrames.REPLY == type)
        {
            onReply(msg.senderId(), buffer, offset, msg.length());
        }
        else if (CallFrames.ANNOUNCE == type)
        {
            final List<Call> out = dutyCycleOut;
            out.clear();
            final List<Call> failed = dutyCycleFailed;
            failed.clear();
            synchronized (lock)
            {
                dispatcher.announced(msg.senderId(), msg.senderGroup(), CallFrames.announcedLimit(buffer, offset),
                    CallFrames.announcedFunctions(buffer, offset, msg.length()), out, failed);
            }
            sendAll(out);
            notifyAll(failed);
        }
        else if (CallFrames.WITHDRAW == type)
        {
            final List<Call> out = dutyCycleOut;
            out.clear();
            synchronized (lock)
            {
                dispatcher.withdrawn(msg.senderId(), out);
            }
            notifyAll(out);
        }
    }

    private void onReply(final long senderId, final DirectBuffer buffer, final int offset, final int length)
    {
        final long correlationId = buffer.getLong(offset + CallFrames.CORRELATION_OFFSET);
        final List<Call> out = dutyCycleOut;
        out.clear();
        final Call call;
        boolean isToDeliver = false;
        synchronized (lock)
        {
            call = dispatcher.complete(correlationId);
            if (null != call)
            {
                if (!call.isDone)
                {
                    call.isDone = true;
                    isToDeliver = true;
                }
                dispatcher.dispatchQueued(call.server, out);
            }
        }

        try
        {
            if (isToDeliver)
            {
                deliver(call, senderId, buffer, offset, length);
            }
        }
        finally
        {
            sendAll(out);
        }
    }

    private static void deliver(
        final Call call, final long senderId, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte status = buffer.getByte(offset + CallFrames.STATUS_OFFSET);
        final int bodyOffset = offset + CallFrames.REPLY_HEADER_LENGTH;
        final int bodyLength = length - CallFrames.REPLY_HEADER_LENGTH;
        if (CallFrames.STATUS_OK == status)
        {
            call.handler.onReply(senderId, buffer, bodyOffset, bodyLength);
        }
        else if (CallFrames.STATUS_ERROR == status)
        {
            final String type = CallFrames.errorType(buffer, bodyOffset);
            final String message = CallFrames.errorMessage(buffer, bodyOffset, bodyLength);
            call.handler.onError(new CallException(CallException.Kind.REMOTE, call.function + " on worker " +
                senderId + " threw " + type + ": " + message, type, null));
        }
        else
        {
            call.handler.onError(new CallException(CallException.Kind.REJECTED, "worker " + senderId +
                " refused " + call.function + ": " + buffer.getStringWithoutLengthUtf8(bodyOffset, bodyLength)));
        }
    }

    private void onMemberJoined(final MemberInfo member)
    {
        if (!member.group().isEmpty())
        {
            synchronized (lock)
            {
                dispatcher.memberJoined(member.id(), member.group(), System.nanoTime());
            }
        }
    }

    private void onMemberLeft(final long memberId, final ExitStatus status)
    {
        final List<Call> out = new ArrayList<>();
        synchronized (lock)
        {
            dispatcher.memberLeft(memberId, status.reason(), out);
        }
        notifyAll(out);
    }

    private void runTimer()
    {
        final List<Call> out = new ArrayList<>();
        final long tickNs = TimeUnit.MILLISECONDS.toNanos(tickMs);
        while (!isClosed && !Thread.currentThread().isInterrupted())
        {
            LockSupport.parkNanos(tickNs);
            out.clear();
            synchronized (lock)
            {
                if (isClosed)
                {
                    return;
                }
                dispatcher.expire(System.nanoTime(), out);
            }
            notifyAll(out);
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Sending and notifying, outside the lock
    // ----------------------------------------------------------------------------------------------------------------

    private void sendAll(final List<Call> calls)
    {
        // sending may fail calls and free slots that take queued calls: those are added to the list as it goes
        for (int i = 0; i < calls.size(); i++)
        {
            send(calls.get(i), calls);
        }
    }

    /**
     * @param more where queued calls dispatched to slots this send frees (when it fails) are added, to be sent by the
     *             caller's loop; null to send them here.
     */
    private void send(final Call call, final List<Call> more)
    {
        final ExpandableArrayBuffer frame = FRAME_BUFFER.get();
        final int length = CallFrames.REQUEST_HEADER_LENGTH + call.payloadLength;
        CallFrames.encodeRequestHeader(frame, 0, call.correlationId, call.functionIndex);
        if (null != call.heldPayload)
        {
            frame.putBytes(CallFrames.REQUEST_HEADER_LENGTH, call.heldPayload, 0, call.payloadLength);
        }
        else
        {
            frame.putBytes(CallFrames.REQUEST_HEADER_LENGTH, call.payload, call.payloadOffset, call.payloadLength);
        }
        call.payload = null;
        call.heldPayload = null;
        try
        {
            node.services().publish(call.server.channel, frame, 0, length);
        }
        catch (final RuntimeException ex)
        {
            final List<Call> freed = null == more ? new ArrayList<>() : more;
            boolean isToNotify = false;
            synchronized (lock)
            {
                if (null != dispatcher.complete(call.correlationId) && !call.isDone)
                {
                    call.isDone = true;
                    isToNotify = true;
                }
                dispatcher.dispatchQueued(call.server, freed);
            }
            if (isToNotify)
            {
                call.fail(new CallException(CallException.Kind.WORKER_LEFT, "could not send " + call.function +
                    " to worker " + call.serverId() + ": " + ex.getMessage(), null, ex));
                notifyError(call);
            }
            if (null == more)
            {
                sendAll(freed);
            }
        }
    }

    private static void notifyAll(final List<Call> failed)
    {
        for (int i = 0; i < failed.size(); i++)
        {
            notifyError(failed.get(i));
        }
    }

    private static void notifyError(final Call call)
    {
        call.handler.onError(call.error);
    }

    private void checkNotStarted()
    {
        if (null != dispatcher)
        {
            throw new IllegalStateException("the CallClient has started: configure it before start()");
        }
    }

    private static long checkPositive(final Duration duration, final String what)
    {
        Objects.requireNonNull(duration, what + " must not be null");
        if (duration.isNegative() || duration.isZero())
        {
            throw new IllegalArgumentException(what + " must be positive, got " + duration);
        }
        return duration.toNanos();
    }

    /**
     * Completes a future with a copy of the reply.
     */
    private static final class FutureHandler implements ReplyHandler
    {
        final CompletableFuture<Reply> future = new CompletableFuture<>();

        public void onReply(final long workerId, final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            future.complete(new Reply(workerId, bytes));
        }

        public void onError(final CallException error)
        {
            future.completeExceptionally(error);
        }
    }
}
