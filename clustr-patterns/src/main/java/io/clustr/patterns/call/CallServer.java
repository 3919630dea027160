package io.clustr.patterns.call;

import io.clustr.Channel;
import io.clustr.Message;
import io.clustr.Node;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker's side of calls (luafan's {@code worker.new(funcmap, slavecount, max_job_count)}): serves named
 * functions to any {@link CallClient}, running at most {@link #maxInFlight(int)} of them at once on this node.
 * <pre>{@code
 * CallServer.on(worker)
 *     .maxInFlight(4)
 *     .serve("fetch", (request) -> fetch(new String(request, UTF_8)))        // on the server's executor
 *     .serveInline("md5", (request, responder) -> responder.reply(md5(request))) // on the duty cycle
 *     .start();
 * }</pre>
 * <ul>
 *     <li><b>Where functions run</b>: a {@link CallFunction} ({@link #serve}) on the server's executor (by default
 *     {@code maxInFlight} daemon threads of its own), so a slow function never stalls the node's duty cycle, which
 *     must keep polling its streams (a duty cycle blocked for seconds falls behind its streams and nears Aeron's
 *     timeouts). An {@link InlineFunction} ({@link #serveInline}) runs on the duty cycle itself, with no thread
 *     hand-off (the fastest, for microseconds of work), and may reply later from any thread (asynchronous).</li>
 *     <li><b>The limit</b>: at most {@code maxInFlight} calls run at once (an inline call counts until it replies);
 *     requests beyond it wait here, FIFO, up to {@link #maxQueued(int)}, past which they are refused
 *     ({@code REJECTED}). Each caller keeps at most the limit in flight here, so with one caller nothing waits here;
 *     with several, each one's calls wait their turn in this queue.</li>
 *     <li><b>Errors</b>: an exception in a function fails the caller's call with the exception's class and message.
 *     </li>
 *     <li><b>Discovery</b>: {@link #start()} announces the server (id, group, limit, functions) on the public stream,
 *     and every {@link CallClient} that starts later asks, and is answered directly.</li>
 * </ul>
 */
public final class CallServer implements AutoCloseable
{
    private static final int MAX_ERROR_MESSAGE_CHARS = 4000;
    private static final ThreadLocal<ExpandableArrayBuffer> FRAME_BUFFER =
        ThreadLocal.withInitial(() -> new ExpandableArrayBuffer(4096));

    private final Node node;
    private final List<String> names = new ArrayList<>();
    private final List<Object> functions = new ArrayList<>();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Pending> readyForDutyCycle = new ConcurrentLinkedQueue<>();
    private final Request request = new Request();
    private final UnsafeBuffer wakeFrame = new UnsafeBuffer(new byte[]{ CallFrames.WAKE });
    private final UnsafeBuffer withdrawFrame = new UnsafeBuffer(new byte[]{ CallFrames.WITHDRAW });
    private final AtomicInteger lostReplies = new AtomicInteger();
    private final AtomicLong received = new AtomicLong();
    private int maxInFlight = 1;
    private int maxQueued = 65_536;
    private ExecutorService executor;
    private boolean isExecutorOwned;
    private boolean isStarted;
    private volatile boolean isClosed;
    private volatile boolean isWithdrawn;
    private volatile Thread dutyCycleThread;
    private boolean isDraining;
    private int running;
    private UnsafeBuffer announceFrame;

    private CallServer(final Node node)
    {
        this.node = node;
    }

    /**
     * A server of functions on this node: configure it, add functions, then {@link #start()} it.
     *
     * @param node the serving node (a worker, usually; the master may serve too).
     * @return a new server, not started.
     */
    public static CallServer on(final Node node)
    {
        return new CallServer(Objects.requireNonNull(node, "node must not be null"));
    }

    /**
     * @param maxInFlight how many calls run at once on this node (1 by default).
     * @return this.
     */
    public CallServer maxInFlight(final int maxInFlight)
    {
        checkNotStarted();
        if (maxInFlight < 1)
        {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        return this;
    }

    /**
     * @param maxQueued how many requests may wait here for a slot (65,536 by default); beyond, they are refused.
     * @return this.
     */
    public CallServer maxQueued(final int maxQueued)
    {
        checkNotStarted();
        if (maxQueued < 0)
        {
            throw new IllegalArgumentException("maxQueued must be 0 or more, got " + maxQueued);
        }
        this.maxQueued = maxQueued;
        return this;
    }

    /**
     * @param executor runs the {@link CallFunction}s (by default, {@code maxInFlight} daemon threads the server
     *                 owns and stops on close); the server does not shut a given executor down.
     * @return this.
     */
    public CallServer executor(final ExecutorService executor)
    {
        checkNotStarted();
        this.executor = Objects.requireNonNull(executor, "executor must not be null");
        return this;
    }

    /**
     * Serve a function that runs on the server's executor, off the duty cycle.
     *
     * @param name     the function's name, unique on this server.
     * @param function the function.
     * @return this.
     */
    public CallServer serve(final String name, final CallFunction function)
    {
        add(name, Objects.requireNonNull(function, "function must not be null"));
        return this;
    }

    /**
     * Serve a function that runs on the node's duty-cycle thread (and may reply later).
     *
     * @param name     the function's name, unique on this server.
     * @param function the function.
     * @return this.
     */
    public CallServer serveInline(final String name, final InlineFunction function)
    {
        add(name, Objects.requireNonNull(function, "function must not be null"));
        return this;
    }

    private void add(final String name, final Object function)
    {
        checkNotStarted();
        Objects.requireNonNull(name, "function name must not be null");
        if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 1000)
        {
            throw new IllegalArgumentException("a function name must be 1 to 1000 bytes of UTF-8, got '" + name + "'");
        }
        if (names.contains(name))
        {
            throw new IllegalArgumentException("function '" + name + "' is already served by this server");
        }
        names.add(name);
        functions.add(function);
    }

    /**
     * Start serving: listen for requests and discovery queries, and announce the server on the public stream.
     *
     * @return this.
     */
    public CallServer start()
    {
        checkNotStarted();
        if (names.isEmpty())
        {
            throw new IllegalStateException("serve at least one function before start()");
        }
        isStarted = true;
        if (null == executor)
        {
            final AtomicInteger threads = new AtomicInteger();
            executor = Executors.newFixedThreadPool(maxInFlight, (runnable) ->
            {
                final Thread thread = new Thread(
                    runnable, "clustr-call-" + node.id() + "-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            isExecutorOwned = true;
        }
        final ExpandableArrayBuffer announce = new ExpandableArrayBuffer(256);
        final int length = CallFrames.encodeAnnounce(announce, maxInFlight, names);
        final byte[] bytes = new byte[length];
        announce.getBytes(0, bytes);
        announceFrame = new UnsafeBuffer(bytes);

        node.services().onFrame(this::onFrame);
        node.services().publish(Channel.PUBLIC, announceFrame, 0, announceFrame.capacity());
        return this;
    }

    /**
     * @return the names of the functions served, in order.
     */
    public List<String> functions()
    {
        return Collections.unmodifiableList(names);
    }

    /**
     * @return calls running now.
     */
    public int running()
    {
        synchronized (waiting)
        {
            return running;
        }
    }

    /**
     * @return requests waiting here for a slot now.
     */
    public int waiting()
    {
        synchronized (waiting)
        {
            return waiting.size();
        }
    }

    /**
     * @return replies that could not be published (the caller had left, or its stream stayed back-pressured): their
     * callers time out.
     */
    public int lostReplies()
    {
        return lostReplies.get();
    }

    /**
     * Withdraw the server but keep serving: callers send it nothing new, and what they sent before they heard of it
     * is still run and answered. For a graceful stop (a kill hook in a rolling restart): withdraw, wait until no
     * request has arrived for a while and none is running, then {@link #close()}. Idempotent.
     */
    public void withdraw()
    {
        if (isWithdrawn || isClosed)
        {
            return;
        }
        isWithdrawn = true;
        if (isStarted && !node.isClosed())
        {
            node.services().publish(Channel.PUBLIC, withdrawFrame, 0, 1);
        }
    }

    /**
     * @return requests received since start, for a graceful stop to see when they have stopped coming.
     */
    public long received()
    {
        return received.get();
    }

    /**
     * Stop serving: withdraw the server (callers send it nothing new), refuse the requests still waiting here, and
     * stop the executor it owns (running functions are interrupted). Idempotent.
     */
    @Override
    public void close()
    {
        if (isClosed)
        {
            return;
        }
        isClosed = true;
        if (isStarted && !node.isClosed())
        {
            try
            {
                node.services().publish(Channel.PUBLIC, withdrawFrame, 0, 1);
            }
            catch (final RuntimeException ignore)
            {
                // the node is going: its callers learn of it from its departure
            }
        }
        final List<Pending> refused;
        synchronized (waiting)
        {
            refused = new ArrayList<>(waiting);
            waiting.clear();
        }
        for (final Pending pending : refused)
        {
            replyRejected(pending.callerId, pending.correlationId, "the server closed");
        }
        if (isExecutorOwned)
        {
            executor.shutdownNow();
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // On the duty cycle
    // ----------------------------------------------------------------------------------------------------------------

    private void onFrame(final Message msg)
    {
        if (msg.length() < 1)
        {
            return;
        }
        final DirectBuffer buffer = msg.buffer();
        final int offset = msg.offset();
        final byte type = buffer.getByte(offset);
        if (CallFrames.REQUEST == type)
        {
            dutyCycleThread = Thread.currentThread();
            onRequest(msg.senderId(), buffer, offset, msg.length());
        }
        else if (CallFrames.QUERY == type)
        {
            if (!isClosed && !isWithdrawn)
            {
                try
                {
                    node.services().publish(Channel.worker(msg.senderId()), announceFrame, 0,
                        announceFrame.capacity());
                }
                catch (final RuntimeException ignore)
                {
                    // the caller has gone (it would have had the announcement on the public stream otherwise)
                }
            }
        }
        else if (CallFrames.WAKE == type && msg.senderId() == node.id())
        {
            dutyCycleThread = Thread.currentThread();
            drainOnDutyCycle();
        }
    }

    private void onRequest(final long callerId, final DirectBuffer buffer, final int offset, final int length)
    {
        final long correlationId = buffer.getLong(offset + CallFrames.CORRELATION_OFFSET);
        final int index = buffer.getInt(offset + CallFrames.FUNCTION_OFFSET);
        received.incrementAndGet();
        if (isClosed)
        {
            replyRejected(callerId, correlationId, "the server has closed");
            return;
        }
        if (index < 0 || index >= functions.size())
        {
            replyRejected(callerId, correlationId, "no function #" + index + " (serving " + names + ")");
            return;
        }

        final int bodyOffset = offset + CallFrames.REQUEST_HEADER_LENGTH;
        final int bodyLength = length - CallFrames.REQUEST_HEADER_LENGTH;
        final boolean isToRun;
        synchronized (waiting)
        {
            if (running < maxInFlight)
            {
                running++;
                isToRun = true;
            }
            else if (waiting.size() < maxQueued)
            {
                final byte[] copy = new byte[bodyLength];
                buffer.getBytes(bodyOffset, copy);
                waiting.addLast(new Pending(callerId, correlationId, index, copy));
                isToRun = false;
            }
            else
            {
                isToRun = false;
                replyRejected(callerId, correlationId, "its queue is full (" + maxQueued + " requests wait for " +
                    maxInFlight + " slots)");
            }
        }

        if (isToRun)
        {
            final Object function = functions.get(index);
            if (function instanceof InlineFunction)
            {
                final boolean wasDraining = isDraining;
                isDraining = true;
                try
                {
                    runInline((InlineFunction)function, callerId, correlationId, buffer, bodyOffset, bodyLength);
                }
                finally
                {
                    isDraining = wasDraining;
                }
                drainOnDutyCycle();
            }
            else
            {
                final byte[] copy = new byte[bodyLength];
                buffer.getBytes(bodyOffset, copy);
                runOnExecutor((CallFunction)function, new Pending(callerId, correlationId, index, copy));
            }
        }
    }

    private void runInline(
        final InlineFunction function,
        final long callerId,
        final long correlationId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final Responder responder = new Responder(this, callerId, correlationId);
        try
        {
            function.apply(request.wrap(callerId, buffer, offset, length), responder);
        }
        catch (final Throwable ex)
        {
            responder.fail(ex);
        }
    }

    private void drainOnDutyCycle()
    {
        if (isDraining)
        {
            return;
        }
        isDraining = true;
        try
        {
            Pending pending;
            while (null != (pending = readyForDutyCycle.poll()))
            {
                runInline((InlineFunction)functions.get(pending.index), pending.callerId, pending.correlationId,
                    new UnsafeBuffer(pending.payload), 0, pending.payload.length);
            }
        }
        finally
        {
            isDraining = false;
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // On any thread
    // ----------------------------------------------------------------------------------------------------------------

    private void runOnExecutor(final CallFunction function, final Pending pending)
    {
        try
        {
            executor.execute(() ->
            {
                final Responder responder = new Responder(this, pending.callerId, pending.correlationId);
                try
                {
                    final byte[] reply = function.apply(pending.payload);
                    responder.reply(reply);
                }
                catch (final Throwable ex)
                {
                    responder.fail(ex);
                }
            });
        }
        catch (final RejectedExecutionException ex)
        {
            replyRejected(pending.callerId, pending.correlationId, "the server's executor refused it: " + ex);
            release();
        }
    }

    void replyOk(
        final long callerId, final long correlationId, final DirectBuffer buffer, final int offset, final int length)
    {
        final ExpandableArrayBuffer frame = FRAME_BUFFER.get();
        CallFrames.encodeReplyHeader(frame, 0, correlationId, CallFrames.STATUS_OK);
        frame.putBytes(CallFrames.REPLY_HEADER_LENGTH, buffer, offset, length);
        publishReply(callerId, frame, CallFrames.REPLY_HEADER_LENGTH + length);
        release();
    }

    void replyError(final long callerId, final long correlationId, final Throwable error)
    {
        final ExpandableArrayBuffer frame = FRAME_BUFFER.get();
        CallFrames.encodeReplyHeader(frame, 0, correlationId, CallFrames.STATUS_ERROR);
        String message = String.valueOf(error.getMessage());
        if (message.length() > MAX_ERROR_MESSAGE_CHARS)
        {
            message = message.substring(0, MAX_ERROR_MESSAGE_CHARS) + "...";
        }
        final int length = CallFrames.encodeError(frame, CallFrames.REPLY_HEADER_LENGTH, error.getClass().getName(),
            message);
        publishReply(callerId, frame, CallFrames.REPLY_HEADER_LENGTH + length);
        release();
    }

    private void replyRejected(final long callerId, final long correlationId, final String why)
    {
        final ExpandableArrayBuffer frame = FRAME_BUFFER.get();
        CallFrames.encodeReplyHeader(frame, 0, correlationId, CallFrames.STATUS_REJECTED);
        final int length = frame.putStringWithoutLengthUtf8(CallFrames.REPLY_HEADER_LENGTH, why);
        publishReply(callerId, frame, CallFrames.REPLY_HEADER_LENGTH + length);
    }

    private void publishReply(final long callerId, final DirectBuffer frame, final int length)
    {
        try
        {
            node.services().publish(Channel.worker(callerId), frame, 0, length);
        }
        catch (final RuntimeException ex)
        {
            lostReplies.incrementAndGet();
        }
    }

    /**
     * A call replied: its slot takes the next waiting request, if any.
     */
    private void release()
    {
        final Pending next;
        synchronized (waiting)
        {
            next = waiting.pollFirst();
            if (null == next)
            {
                running--;
                return;
            }
        }

        final Object function = functions.get(next.index);
        if (function instanceof CallFunction)
        {
            runOnExecutor((CallFunction)function, next);
        }
        else
        {
            readyForDutyCycle.add(next);
            if (Thread.currentThread() == dutyCycleThread)
            {
                drainOnDutyCycle();
            }
            else
            {
                try
                {
                    node.services().publish(Channel.worker(node.id()), wakeFrame, 0, 1);
                }
                catch (final RuntimeException ex)
                {
                    lostReplies.incrementAndGet();
                }
            }
        }
    }

    private void checkNotStarted()
    {
        if (isStarted)
        {
            throw new IllegalStateException("the CallServer has started: configure it and serve functions before " +
                "start()");
        }
    }

    /**
     * A request waiting for a slot, with a copy of its payload.
     */
    private static final class Pending
    {
        final long callerId;
        final long correlationId;
        final int index;
        final byte[] payload;

        Pending(final long callerId, final long correlationId, final int index, final byte[] payload)
        {
            this.callerId = callerId;
            this.correlationId = correlationId;
            this.index = index;
            this.payload = payload;
        }
    }
}
