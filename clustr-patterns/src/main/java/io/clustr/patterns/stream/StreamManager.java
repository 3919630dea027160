package io.clustr.patterns.stream;

import io.clustr.Channel;
import io.clustr.ClustrException;
import io.clustr.MemberInfo;
import io.clustr.MembershipListener;
import io.clustr.Message;
import io.clustr.Node;
import io.clustr.spawn.ExitStatus;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * forkfriend's manager on clustr: a duplex stream whose messages are spread over the workers serving a named stream
 * ({@link StreamWorker#serve}) and whose results come back to a {@link ResultHandler}.
 * <ul>
 *     <li><b>Credit.</b> Each worker has a window of {@link Context#window(int)} messages in flight; the next message
 *     goes to the least recently used worker with free credit.</li>
 *     <li><b>Pause and resume.</b> While every worker is backed up (no credit anywhere), {@link #offer} refuses the
 *     message (returns false) and the {@link Context#resumeHandler(Runnable)} is told once credit frees;
 *     {@link #write} waits instead.</li>
 *     <li><b>Holding queue and drops.</b> While no worker is up, up to {@link Context#maxQueue(int)} messages are held
 *     and offers are accepted; beyond that the oldest held message is dropped and handed to the
 *     {@link DropHandler} ({@link DropReason#OVERFLOW}). Held messages are sent, oldest first, once a worker is
 *     up.</li>
 *     <li><b>Worker death.</b> The messages in flight at a worker that dies or leaves are sent again to the others
 *     (ahead of new ones), up to {@link Context#maxAttempts(int)} sends each, then dropped
 *     ({@link DropReason#WORKER_DIED}). A message's results are delivered once, from the one worker that completed
 *     it: a worker sends all the results of a message in one frame, and a completion from a worker the message is no
 *     longer in flight at is ignored. Processing is at least once (a worker that died may have done part of it).</li>
 *     <li><b>Order.</b> Results come in completion order, not offer order (as forkfriend's).</li>
 * </ul>
 * Every accepted message ends exactly once: completed (its zero or more results delivered) or dropped (told to the drop
 * handler). The n-th accepted message has sequence n, from 0. The manager runs on any node (master or worker); it
 * finds its workers by the stream's name, whenever they start.
 */
public final class StreamManager implements AutoCloseable
{
    private static final long RETRY_INTERVAL_NS = TimeUnit.MICROSECONDS.toNanos(200);
    private static final AtomicInteger PORTS = new AtomicInteger();

    private final Node node;
    private final String name;
    private final byte[] nameBytes;
    private final int port = nextPort();
    private final int maxMessageLength;
    private final ResultHandler resultHandler;
    private final Runnable resumeHandler;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Dispatcher dispatcher;
    private final Long2ObjectHashMap<Channel> channels = new Long2ObjectHashMap<>();
    private final ExpandableArrayBuffer sendBuffer = new ExpandableArrayBuffer(4096);
    private final Thread retryThread;
    private volatile Thread dutyCycleThread;

    /**
     * The settings of a {@link StreamManager}.
     */
    public static final class Context
    {
        private String name;
        private int window = 32;
        private int maxQueue = 1000;
        private int maxAttempts = 3;
        private int maxMessageLength = 65_536;
        private ResultHandler resultHandler = (sequence, buffer, offset, length) -> {};
        private DropHandler dropHandler = (sequence, message, reason, detail) -> {};
        private Runnable resumeHandler = () -> {};

        /**
         * @param name of the stream, shared with its workers ({@link StreamWorker#serve}).
         * @return this.
         */
        public Context name(final String name)
        {
            this.name = name;
            return this;
        }

        /**
         * @param window messages in flight at each worker at most (its credit); default 32.
         * @return this.
         */
        public Context window(final int window)
        {
            this.window = window;
            return this;
        }

        /**
         * @param maxQueue messages held at most while no worker is up (forkfriend's {@code maxQueue}); default 1000.
         * @return this.
         */
        public Context maxQueue(final int maxQueue)
        {
            this.maxQueue = maxQueue;
            return this;
        }

        /**
         * @param maxAttempts sends of one message at most, when the workers it was in flight at die; default 3.
         * @return this.
         */
        public Context maxAttempts(final int maxAttempts)
        {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * @param maxMessageLength longest message in bytes; default 65,536. With clustr's default 4 MiB terms a
         *                         frame may be up to 524,288 bytes, 17 of which the stream's header takes.
         * @return this.
         */
        public Context maxMessageLength(final int maxMessageLength)
        {
            this.maxMessageLength = maxMessageLength;
            return this;
        }

        /**
         * @param handler of the results; by default they are discarded.
         * @return this.
         */
        public Context resultHandler(final ResultHandler handler)
        {
            this.resultHandler = Objects.requireNonNull(handler, "result handler must not be null");
            return this;
        }

        /**
         * @param handler of dropped messages; by default they are only counted ({@link #dropped()}).
         * @return this.
         */
        public Context dropHandler(final DropHandler handler)
        {
            this.dropHandler = Objects.requireNonNull(handler, "drop handler must not be null");
            return this;
        }

        /**
         * @param handler told, once, after an {@link #offer} was refused, when offers are accepted again (credit
         *                freed, or no worker is up any more). Called under the manager's lock, usually on the node's
         *                duty-cycle thread: it may call {@code offer}, never {@code write}.
         * @return this.
         */
        public Context resumeHandler(final Runnable handler)
        {
            this.resumeHandler = Objects.requireNonNull(handler, "resume handler must not be null");
            return this;
        }
    }

    private StreamManager(final Node node, final Context ctx)
    {
        this.node = Objects.requireNonNull(node, "node must not be null");
        this.name = ctx.name;
        this.nameBytes = StreamFrames.nameBytes(ctx.name);
        if (ctx.maxMessageLength < 0 || ctx.maxMessageLength > 524_288 - StreamFrames.DATA_HEADER_LENGTH)
        {
            throw new IllegalArgumentException("maxMessageLength is " + ctx.maxMessageLength + ": use 0 to " +
                (524_288 - StreamFrames.DATA_HEADER_LENGTH) + " (a clustr frame is at most term length / 8)");
        }
        this.maxMessageLength = ctx.maxMessageLength;
        this.resultHandler = ctx.resultHandler;
        this.resumeHandler = ctx.resumeHandler;
        this.dispatcher = new Dispatcher(ctx.window, ctx.maxQueue, ctx.maxAttempts, this::send, ctx.dropHandler);

        retryThread = new Thread(this::retryLoop, "clustr-stream-" + name + "-retry");
        retryThread.setDaemon(true);
        retryThread.start();

        node.services().onFrame(this::onFrame);
        node.onMembership(new MembershipListener()
        {
            public void onLeft(final long memberId, final ExitStatus status)
            {
                workerLeft(memberId);
            }

            public void onJoined(final MemberInfo member)
            {
            }
        });

        // workers that started before us hear this and answer READY; those that start later announce themselves
        final int length = StreamFrames.HELLO_NAME_OFFSET + nameBytes.length;
        final ExpandableArrayBuffer hello = new ExpandableArrayBuffer(length);
        hello.putByte(StreamFrames.TYPE_OFFSET, StreamFrames.HELLO);
        hello.putBytes(StreamFrames.HELLO_NAME_OFFSET, nameBytes);
        node.services().publish(Channel.PUBLIC, hello, 0, length);
    }

    /**
     * Start a manager of the stream named in the context, on this node.
     *
     * @param node that sends the messages and receives the results.
     * @param ctx  its settings (name, window, maxQueue, handlers).
     * @return the manager.
     * @throws IllegalArgumentException naming a setting out of range.
     */
    public static StreamManager launch(final Node node, final Context ctx)
    {
        Objects.requireNonNull(ctx, "context must not be null");
        return new StreamManager(node, ctx);
    }

    /**
     * @return the stream's name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Offer a message without waiting.
     *
     * @param message to send; copied.
     * @return true if accepted (sent, or held while no worker is up); false if every worker is backed up: the producer
     * is paused, and the resume handler is told when to offer again.
     * @throws IllegalStateException    if the manager is closed.
     * @throws IllegalArgumentException if the message is longer than {@link Context#maxMessageLength(int)}.
     */
    public boolean offer(final byte[] message)
    {
        checkLength(message.length);
        lock.lock();
        try
        {
            return accept(message.clone());
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Offer a message without waiting: UTF-8 of the text.
     *
     * @param text to send.
     * @return as {@link #offer(byte[])}.
     */
    public boolean offer(final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        checkLength(bytes.length);
        lock.lock();
        try
        {
            return accept(bytes);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Offer a message without waiting.
     *
     * @param buffer holding the message; copied.
     * @param offset of the message.
     * @param length of the message.
     * @return as {@link #offer(byte[])}.
     */
    public boolean offer(final DirectBuffer buffer, final int offset, final int length)
    {
        checkLength(length);
        lock.lock();
        try
        {
            if (!dispatcher.isAccepting())
            {
                return accept(null);
            }
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            return accept(copy);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Send a message, waiting while the producer is paused (every worker backed up).
     *
     * @param message to send; copied.
     * @throws InterruptedException  if interrupted while waiting (the message was not accepted).
     * @throws IllegalStateException if the manager is closed, or this is the node's duty-cycle thread (a result or
     *                               resume handler), which must never wait on its own node: use {@link #offer}.
     */
    public void write(final byte[] message) throws InterruptedException
    {
        checkLength(message.length);
        write0(message.clone());
    }

    /**
     * Send a message, waiting while the producer is paused: UTF-8 of the text.
     *
     * @param text to send.
     * @throws InterruptedException if interrupted while waiting (the message was not accepted).
     */
    public void write(final String text) throws InterruptedException
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        checkLength(bytes.length);
        write0(bytes);
    }

    /**
     * Wait until nothing is held and nothing is in flight: every accepted message completed (its results delivered)
     * or dropped.
     *
     * @param timeout how long to wait at most.
     * @return true if idle, false if the timeout passed first.
     * @throws InterruptedException if interrupted while waiting.
     */
    public boolean awaitIdle(final Duration timeout) throws InterruptedException
    {
        checkNotDutyCycle("awaitIdle");
        long remainingNs = timeout.toNanos();
        lock.lock();
        try
        {
            while (!dispatcher.isIdle())
            {
                if (remainingNs <= 0)
                {
                    return false;
                }
                remainingNs = changed.awaitNanos(remainingNs);
            }

            return true;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @return true if an offer now would be accepted (not paused).
     */
    public boolean isAccepting()
    {
        lock.lock();
        try
        {
            return !dispatcher.isClosed() && dispatcher.isAccepting();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @return messages accepted so far (the next one's sequence).
     */
    public long accepted()
    {
        return read(Dispatcher::accepted);
    }

    /**
     * @return messages completed: their results were delivered.
     */
    public long completed()
    {
        return read(Dispatcher::completed);
    }

    /**
     * @return messages dropped (told to the drop handler).
     */
    public long dropped()
    {
        return read(Dispatcher::dropped);
    }

    /**
     * @return sends of a message again because the worker it was in flight at left.
     */
    public long resent()
    {
        return read(Dispatcher::resent);
    }

    /**
     * @return times the producer was paused: offers refused, counted once per pause.
     */
    public long pauses()
    {
        return read(Dispatcher::pauses);
    }

    /**
     * @return messages held (no worker up, or waiting for credit).
     */
    public int held()
    {
        return (int)read(Dispatcher::held);
    }

    /**
     * @return messages in flight at workers.
     */
    public int inFlight()
    {
        return (int)read(Dispatcher::inFlight);
    }

    /**
     * @return workers up.
     */
    public int workers()
    {
        return (int)read(Dispatcher::workerCount);
    }

    /**
     * Stop: messages still held or in flight are dropped ({@link DropReason#CLOSED}), later results are ignored and
     * offers throw. Does not close the node. Idempotent.
     */
    public void close()
    {
        lock.lock();
        try
        {
            dispatcher.close();
            changed.signalAll();
        }
        finally
        {
            lock.unlock();
        }
        LockSupport.unpark(retryThread);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        lock.lock();
        try
        {
            return "StreamManager{name=" + name + ", node=" + node.id() + ", workers=" + dispatcher.workerCount() +
                ", accepted=" + dispatcher.accepted() + ", completed=" + dispatcher.completed() + ", dropped=" +
                dispatcher.dropped() + ", held=" + dispatcher.held() + ", inFlight=" + dispatcher.inFlight() + "}";
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @return true if the worker with this id is up for this stream (for tests).
     */
    boolean isUp(final long workerId)
    {
        return -1 != read((d) -> d.portOf(workerId));
    }

    static int nextPort()
    {
        return PORTS.incrementAndGet();
    }

    private interface Reader
    {
        long read(Dispatcher dispatcher);
    }

    private long read(final Reader reader)
    {
        lock.lock();
        try
        {
            return reader.read(dispatcher);
        }
        finally
        {
            lock.unlock();
        }
    }

    private void checkLength(final int length)
    {
        if (length > maxMessageLength)
        {
            throw new IllegalArgumentException("message is " + length + " bytes long: the most is " +
                maxMessageLength + " (StreamManager.Context.maxMessageLength)");
        }
    }

    private void checkNotDutyCycle(final String what)
    {
        if (Thread.currentThread() == dutyCycleThread)
        {
            throw new IllegalStateException(what + " would wait on the node's own duty-cycle thread, which must " +
                "deliver the credit it waits for: use offer and the resume handler in handlers");
        }
    }

    /**
     * Under the lock. A null message is refused (the caller copies only if it can be accepted).
     */
    private boolean accept(final byte[] message)
    {
        final boolean accepted = Dispatcher.PAUSED != dispatcher.offer(message);
        afterChange();
        return accepted;
    }

    private void write0(final byte[] message) throws InterruptedException
    {
        checkNotDutyCycle("write");
        lock.lockInterruptibly();
        try
        {
            while (Dispatcher.PAUSED == dispatcher.offer(message))
            {
                changed.await();
            }
            afterChange();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Under the lock, after any change: wake waiters, tell the producer to resume, have stalled sends retried.
     */
    private void afterChange()
    {
        changed.signalAll();
        if (dispatcher.takeResume())
        {
            resumeHandler.run();
        }
        if (dispatcher.hasStalled())
        {
            LockSupport.unpark(retryThread);
        }
    }

    /**
     * Under the lock, from the dispatcher.
     */
    private Dispatcher.SendResult send(final long workerId, final Dispatcher.Entry entry)
    {
        final int length = StreamFrames.DATA_HEADER_LENGTH + entry.message.length;
        final ExpandableArrayBuffer buffer = sendBuffer;
        buffer.putByte(StreamFrames.TYPE_OFFSET, StreamFrames.DATA);
        buffer.putInt(StreamFrames.DATA_WORKER_PORT_OFFSET, dispatcher.portOf(workerId), ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(StreamFrames.DATA_MANAGER_PORT_OFFSET, port, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(StreamFrames.DATA_SEQUENCE_OFFSET, entry.sequence, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(StreamFrames.DATA_HEADER_LENGTH, entry.message);
        try
        {
            return node.services().tryPublish(channelOf(workerId), buffer, 0, length) ?
                Dispatcher.SendResult.SENT : Dispatcher.SendResult.BACK_PRESSURED;
        }
        catch (final ClustrException ex)
        {
            if (node.isClosed())
            {
                throw ex;
            }
            return Dispatcher.SendResult.GONE;
        }
    }

    private Channel channelOf(final long workerId)
    {
        Channel channel = channels.get(workerId);
        if (null == channel)
        {
            channel = Channel.worker(workerId);
            channels.put(workerId, channel);
        }

        return channel;
    }

    private void workerLeft(final long workerId)
    {
        lock.lock();
        try
        {
            dispatcher.removeWorker(workerId);
            channels.remove(workerId);
            afterChange();
        }
        finally
        {
            lock.unlock();
        }
    }

    private void onFrame(final Message msg)
    {
        final DirectBuffer buffer = msg.buffer();
        final int offset = msg.offset();
        final int length = msg.length();
        if (!StreamFrames.isStreamFrame(buffer, offset, length))
        {
            return;
        }
        dutyCycleThread = Thread.currentThread();

        switch (buffer.getByte(offset))
        {
            case StreamFrames.READY:
                if (length >= StreamFrames.READY_NAME_OFFSET &&
                    StreamFrames.nameEquals(buffer, offset, length, StreamFrames.READY_NAME_OFFSET, nameBytes))
                {
                    onReady(msg.senderId(),
                        buffer.getInt(offset + StreamFrames.READY_WORKER_PORT_OFFSET, ByteOrder.LITTLE_ENDIAN));
                }
                break;

            case StreamFrames.DONE:
                if (length >= StreamFrames.DONE_HEADER_LENGTH &&
                    port == buffer.getInt(offset + StreamFrames.DONE_MANAGER_PORT_OFFSET, ByteOrder.LITTLE_ENDIAN))
                {
                    onDone(msg.senderId(), buffer, offset, length);
                }
                break;

            case StreamFrames.FAILED:
                if (length >= StreamFrames.FAILED_ERROR_OFFSET &&
                    port == buffer.getInt(offset + StreamFrames.FAILED_MANAGER_PORT_OFFSET, ByteOrder.LITTLE_ENDIAN))
                {
                    onFailed(msg.senderId(), buffer, offset, length);
                }
                break;

            default:
                break;
        }
    }

    private void onReady(final long workerId, final int workerPort)
    {
        if (workerId == node.id())
        {
            return;
        }
        lock.lock();
        try
        {
            dispatcher.addWorker(workerId, workerPort);
            afterChange();
        }
        finally
        {
            lock.unlock();
        }
    }

    private void onDone(final long workerId, final DirectBuffer buffer, final int offset, final int length)
    {
        final long sequence = buffer.getLong(offset + StreamFrames.DONE_SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final int count = buffer.getInt(offset + StreamFrames.DONE_COUNT_OFFSET, ByteOrder.LITTLE_ENDIAN);
        lock.lock();
        try
        {
            if (null == dispatcher.inFlightAt(workerId, sequence))
            {
                return; // late (the worker was given up and the message re-sent) or after close: ignore
            }

            final int end = offset + length;
            int cursor = offset + StreamFrames.DONE_HEADER_LENGTH;
            for (int i = 0; i < count && cursor + 4 <= end; i++)
            {
                final int resultLength = buffer.getInt(cursor, ByteOrder.LITTLE_ENDIAN);
                cursor += 4;
                if (resultLength < 0 || cursor + resultLength > end)
                {
                    break;
                }
                try
                {
                    resultHandler.onResult(sequence, buffer, cursor, resultLength);
                }
                catch (final RuntimeException ex)
                {
                    // the user's handler threw: the message still completed; report on the node's error handler
                    dispatcher.complete(workerId, sequence);
                    afterChange();
                    throw ex;
                }
                cursor += resultLength;
            }
            dispatcher.complete(workerId, sequence);
            afterChange();
        }
        finally
        {
            lock.unlock();
        }
    }

    private void onFailed(final long workerId, final DirectBuffer buffer, final int offset, final int length)
    {
        final long sequence = buffer.getLong(offset + StreamFrames.FAILED_SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final String error = buffer.getStringWithoutLengthUtf8(
            offset + StreamFrames.FAILED_ERROR_OFFSET, length - StreamFrames.FAILED_ERROR_OFFSET);
        lock.lock();
        try
        {
            dispatcher.fail(workerId, sequence, "worker " + workerId + ": " + error);
            afterChange();
        }
        finally
        {
            lock.unlock();
        }
    }

    private void retryLoop()
    {
        while (true)
        {
            final boolean isStalled;
            lock.lock();
            try
            {
                if (dispatcher.isClosed() || node.isClosed())
                {
                    return;
                }
                if (dispatcher.hasStalled())
                {
                    dispatcher.retryStalled();
                    afterChange();
                }
                isStalled = dispatcher.hasStalled();
            }
            catch (final RuntimeException ex)
            {
                return; // the node closed under us
            }
            finally
            {
                lock.unlock();
            }

            if (isStalled)
            {
                LockSupport.parkNanos(RETRY_INTERVAL_NS);
            }
            else
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }
}
