package io.clustr.patterns.stream;

import org.agrona.collections.LongHashSet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;

/**
 * The stream pattern's dispatch state, with no clustr and no threads, so that it is tested deterministically: the
 * workers that are up and their credit, the holding queue, and what happens to messages when workers come, go and
 * complete. Not thread-safe: {@link StreamManager} calls it under its lock.
 * <p>
 * Rules:
 * <ul>
 *     <li>each worker has a window of {@code window} messages in flight; the next message goes to the least recently
 *     used worker (the one given a message the longest ago) that has credit and is not stalled (its last send was
 *     back-pressured);</li>
 *     <li>a message is accepted when no worker is up (it is held) or when it can be sent at once (nothing is held and
 *     some worker has credit); otherwise the producer is paused: the offer is refused and a resume is owed;</li>
 *     <li>whenever no worker is up, the holding queue keeps at most {@code maxQueue} messages: the oldest are
 *     dropped ({@link DropReason#OVERFLOW});</li>
 *     <li>the messages in flight at a worker that leaves are held again, ahead of the others, and re-sent; a message
 *     already sent {@code maxAttempts} times is dropped instead ({@link DropReason#WORKER_DIED});</li>
 *     <li>a completion counts only from the worker the message is in flight at: a late one from a worker that was
 *     given up, or a duplicate, is ignored, so each message's results are delivered once.</li>
 * </ul>
 */
final class Dispatcher
{
    /**
     * Offer refused: every worker is backed up.
     */
    static final long PAUSED = -1;

    /**
     * What a send did.
     */
    enum SendResult
    {
        /**
         * Published to the worker.
         */
        SENT,

        /**
         * Not published: the worker's stream is back-pressured or not connected yet; try again later.
         */
        BACK_PRESSURED,

        /**
         * Not published: the worker has left.
         */
        GONE
    }

    /**
     * Publishes a message to a worker.
     */
    interface Sender
    {
        /**
         * @param workerId to send to.
         * @param entry    the message.
         * @return what happened.
         */
        SendResult send(long workerId, Entry entry);
    }

    /**
     * One accepted message.
     */
    static final class Entry
    {
        final long sequence;
        final byte[] message;
        int attempts;
        long workerId = -1;

        Entry(final long sequence, final byte[] message)
        {
            this.sequence = sequence;
            this.message = message;
        }
    }

    static final class WorkerSlot
    {
        final long id;
        final int port;
        final ArrayDeque<Entry> inFlight = new ArrayDeque<>();
        long lastUsed;
        boolean isStalled;

        WorkerSlot(final long id, final int port)
        {
            this.id = id;
            this.port = port;
        }
    }

    private final int window;
    private final int maxQueue;
    private final int maxAttempts;
    private final Sender sender;
    private final DropHandler dropHandler;
    private final ArrayList<WorkerSlot> workers = new ArrayList<>();
    private final ArrayDeque<Entry> held = new ArrayDeque<>();
    private final LongHashSet departed = new LongHashSet();
    private long nextSequence;
    private long useClock;
    private long completed;
    private long dropped;
    private long resent;
    private long pauses;
    private int inFlight;
    private boolean isResumeOwed;
    private boolean isClosed;

    Dispatcher(
        final int window, final int maxQueue, final int maxAttempts, final Sender sender, final DropHandler dropHandler)
    {
        if (window < 1)
        {
            throw new IllegalArgumentException("window is " + window + ": each worker needs room for at least 1 " +
                "message in flight");
        }
        if (maxQueue < 0)
        {
            throw new IllegalArgumentException("maxQueue is " + maxQueue + ": hold 0 or more messages while no " +
                "worker is up");
        }
        if (maxAttempts < 1)
        {
            throw new IllegalArgumentException("maxAttempts is " + maxAttempts + ": a message is sent at least once");
        }
        this.window = window;
        this.maxQueue = maxQueue;
        this.maxAttempts = maxAttempts;
        this.sender = sender;
        this.dropHandler = dropHandler;
    }

    /**
     * Offer a message.
     *
     * @param message the manager's copy.
     * @return its sequence if accepted, or {@link #PAUSED} (then a resume is owed).
     */
    long offer(final byte[] message)
    {
        if (isClosed)
        {
            throw new IllegalStateException("stream manager is closed: create a new one to keep streaming");
        }
        if (!isAccepting())
        {
            if (!isResumeOwed)
            {
                isResumeOwed = true;
                pauses++;
            }
            return PAUSED;
        }

        final Entry entry = new Entry(nextSequence++, message);
        held.addLast(entry);
        if (workers.isEmpty())
        {
            trimHeld();
        }
        else
        {
            dispatch();
        }

        return entry.sequence;
    }

    /**
     * @return true if an offer now would be accepted.
     */
    boolean isAccepting()
    {
        return workers.isEmpty() || (held.isEmpty() && null != nextWorker());
    }

    /**
     * @return true once after the producer was refused and an offer would now be accepted: the caller tells the
     * producer to resume.
     */
    boolean takeResume()
    {
        if (isResumeOwed && !isClosed && isAccepting())
        {
            isResumeOwed = false;
            return true;
        }

        return false;
    }

    /**
     * A worker is up (idempotent; a worker that has left is never taken back).
     *
     * @return true if it was new.
     */
    boolean addWorker(final long workerId, final int port)
    {
        if (isClosed || departed.contains(workerId) || null != find(workerId))
        {
            return false;
        }
        workers.add(new WorkerSlot(workerId, port));
        dispatch();

        return true;
    }

    /**
     * A worker has left: hold its messages in flight again (oldest first, ahead of the others) and re-send them.
     *
     * @return true if it was one of this manager's workers.
     */
    boolean removeWorker(final long workerId)
    {
        departed.add(workerId);
        final WorkerSlot slot = find(workerId);
        if (null == slot)
        {
            return false;
        }
        workers.remove(slot);
        inFlight -= slot.inFlight.size();
        for (final Iterator<Entry> it = slot.inFlight.descendingIterator(); it.hasNext(); )
        {
            final Entry entry = it.next();
            entry.workerId = -1;
            if (entry.attempts >= maxAttempts)
            {
                drop(entry, DropReason.WORKER_DIED, "in flight at worker " + workerId + ", which left, on each of " +
                    entry.attempts + " attempts");
            }
            else
            {
                resent++;
                held.addFirst(entry);
            }
        }
        if (workers.isEmpty())
        {
            trimHeld();
        }
        else
        {
            dispatch();
        }

        return true;
    }

    /**
     * @return the message in flight with this sequence at this worker, or null (not in flight there: a late or
     * duplicate completion, to ignore).
     */
    Entry inFlightAt(final long workerId, final long sequence)
    {
        final WorkerSlot slot = find(workerId);
        if (null != slot)
        {
            for (final Entry entry : slot.inFlight)
            {
                if (entry.sequence == sequence)
                {
                    return entry;
                }
            }
        }

        return null;
    }

    /**
     * A worker completed a message: its credit returns and the next messages are sent.
     *
     * @return the message, or null if it was not in flight at that worker (ignore the completion).
     */
    Entry complete(final long workerId, final long sequence)
    {
        final Entry entry = release(workerId, sequence);
        if (null != entry)
        {
            completed++;
            dispatch();
        }

        return entry;
    }

    /**
     * A worker's processor threw on a message: it is dropped ({@link DropReason#FAILED}), not retried.
     *
     * @return the message, or null if it was not in flight at that worker (ignore the failure).
     */
    Entry fail(final long workerId, final long sequence, final String error)
    {
        final Entry entry = release(workerId, sequence);
        if (null != entry)
        {
            drop(entry, DropReason.FAILED, error);
            dispatch();
        }

        return entry;
    }

    /**
     * @return true if some worker's last send was back-pressured: call {@link #retryStalled()} later.
     */
    boolean hasStalled()
    {
        for (int i = 0, size = workers.size(); i < size; i++)
        {
            if (workers.get(i).isStalled)
            {
                return true;
            }
        }

        return false;
    }

    /**
     * Try the stalled workers again.
     */
    void retryStalled()
    {
        for (int i = 0, size = workers.size(); i < size; i++)
        {
            workers.get(i).isStalled = false;
        }
        dispatch();
    }

    /**
     * Drop everything held and in flight ({@link DropReason#CLOSED}), oldest first, and refuse further offers.
     */
    void close()
    {
        if (isClosed)
        {
            return;
        }
        isClosed = true;
        final ArrayList<Entry> left = new ArrayList<>(held);
        held.clear();
        for (final WorkerSlot slot : workers)
        {
            left.addAll(slot.inFlight);
            slot.inFlight.clear();
        }
        inFlight = 0;
        left.sort((a, b) -> Long.compare(a.sequence, b.sequence));
        for (final Entry entry : left)
        {
            drop(entry, DropReason.CLOSED, -1 == entry.workerId ? "held when the manager closed" :
                "in flight at worker " + entry.workerId + " when the manager closed");
        }
    }

    /**
     * @return true when nothing is held and nothing is in flight.
     */
    boolean isIdle()
    {
        return held.isEmpty() && 0 == inFlight;
    }

    boolean isClosed()
    {
        return isClosed;
    }

    long accepted()
    {
        return nextSequence;
    }

    long completed()
    {
        return completed;
    }

    long dropped()
    {
        return dropped;
    }

    long resent()
    {
        return resent;
    }

    long pauses()
    {
        return pauses;
    }

    int held()
    {
        return held.size();
    }

    int inFlight()
    {
        return inFlight;
    }

    int workerCount()
    {
        return workers.size();
    }

    /**
     * @return the port the worker's READY gave, or -1 if it is not up.
     */
    int portOf(final long workerId)
    {
        final WorkerSlot slot = find(workerId);
        return null == slot ? -1 : slot.port;
    }

    /**
     * @return how many messages are in flight at the worker, or -1 if it is not up.
     */
    int inFlightAt(final long workerId)
    {
        final WorkerSlot slot = find(workerId);
        return null == slot ? -1 : slot.inFlight.size();
    }

    private void dispatch()
    {
        while (!held.isEmpty())
        {
            final WorkerSlot slot = nextWorker();
            if (null == slot)
            {
                return;
            }

            final Entry entry = held.pollFirst();
            final SendResult result;
            try
            {
                result = sender.send(slot.id, entry);
            }
            catch (final RuntimeException ex)
            {
                held.addFirst(entry);
                throw ex;
            }

            switch (result)
            {
                case SENT:
                    entry.attempts++;
                    entry.workerId = slot.id;
                    slot.inFlight.addLast(entry);
                    slot.lastUsed = ++useClock;
                    inFlight++;
                    break;

                case BACK_PRESSURED:
                    held.addFirst(entry);
                    slot.isStalled = true;
                    break;

                default:
                    held.addFirst(entry);
                    removeWorker(slot.id);
                    return;
            }
        }
    }

    /**
     * @return the least recently used worker with credit that is not stalled, or null (the first such in join order
     * on a tie, so that a new worker, never used, goes first).
     */
    private WorkerSlot nextWorker()
    {
        WorkerSlot next = null;
        for (int i = 0, size = workers.size(); i < size; i++)
        {
            final WorkerSlot slot = workers.get(i);
            if (!slot.isStalled && slot.inFlight.size() < window && (null == next || slot.lastUsed < next.lastUsed))
            {
                next = slot;
            }
        }

        return next;
    }

    private Entry release(final long workerId, final long sequence)
    {
        final WorkerSlot slot = find(workerId);
        if (null == slot)
        {
            return null;
        }
        final Entry head = slot.inFlight.peekFirst();
        Entry entry = null;
        if (null != head && head.sequence == sequence)
        {
            entry = slot.inFlight.pollFirst();
        }
        else
        {
            for (final Iterator<Entry> it = slot.inFlight.iterator(); it.hasNext(); )
            {
                final Entry candidate = it.next();
                if (candidate.sequence == sequence)
                {
                    it.remove();
                    entry = candidate;
                    break;
                }
            }
        }
        if (null != entry)
        {
            entry.workerId = -1;
            inFlight--;
        }

        return entry;
    }

    private void trimHeld()
    {
        while (held.size() > maxQueue)
        {
            drop(held.pollFirst(), DropReason.OVERFLOW, "no worker up and " + maxQueue + " messages held");
        }
    }

    private void drop(final Entry entry, final DropReason reason, final String detail)
    {
        dropped++;
        dropHandler.onDrop(entry.sequence, entry.message, reason, detail);
    }

    private WorkerSlot find(final long workerId)
    {
        for (int i = 0, size = workers.size(); i < size; i++)
        {
            final WorkerSlot slot = workers.get(i);
            if (slot.id == workerId)
            {
                return slot;
            }
        }

        return null;
    }
}
