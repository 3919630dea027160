package io.clustr.patterns.job;

import io.clustr.patterns.call.CallException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The results of a batch, iterated as they arrive: in completion order, or (for
 * {@link JobQueues#batchOrdered}) in input order, each as soon as it and every input before it is done. Every job
 * ends with a result, its value or its error (a failed job does not stop the others), within the call timeout. The
 * iterator blocks in {@code next()} until the next result is there; it may be iterated once.
 */
public final class JobBatch implements Iterable<JobResult>
{
    private final int size;
    private final boolean isOrdered;
    private final LinkedBlockingQueue<JobResult> arrived = new LinkedBlockingQueue<>();
    private boolean isIterated;

    JobBatch(final int size, final boolean isOrdered)
    {
        this.size = size;
        this.isOrdered = isOrdered;
    }

    void add(final JobResult result)
    {
        arrived.add(result);
    }

    /**
     * @return how many jobs the batch has.
     */
    public int size()
    {
        return size;
    }

    /**
     * Wait for every result.
     *
     * @return the results, in this batch's order.
     */
    public List<JobResult> await()
    {
        final List<JobResult> all = new ArrayList<>(size);
        for (final JobResult result : this)
        {
            all.add(result);
        }
        return all;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public synchronized Iterator<JobResult> iterator()
    {
        if (isIterated)
        {
            throw new IllegalStateException("a batch may be iterated once: keep the results (await()) to read them " +
                "again");
        }
        isIterated = true;
        return isOrdered ? new Ordered() : new Arrival();
    }

    private JobResult take()
    {
        try
        {
            return arrived.take();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new CallException(CallException.Kind.CLOSED, "interrupted while waiting for a batch's result");
        }
    }

    private final class Arrival implements Iterator<JobResult>
    {
        private int taken;

        public boolean hasNext()
        {
            return taken < size;
        }

        public JobResult next()
        {
            if (taken >= size)
            {
                throw new NoSuchElementException("the batch's " + size + " results have all been taken");
            }
            taken++;
            return take();
        }
    }

    private final class Ordered implements Iterator<JobResult>
    {
        private final JobResult[] early = new JobResult[size];
        private int nextIndex;

        public boolean hasNext()
        {
            return nextIndex < size;
        }

        public JobResult next()
        {
            if (nextIndex >= size)
            {
                throw new NoSuchElementException("the batch's " + size + " results have all been taken");
            }
            while (null == early[nextIndex])
            {
                final JobResult result = take();
                early[result.index()] = result;
            }
            final JobResult result = early[nextIndex];
            early[nextIndex++] = null;
            return result;
        }
    }
}
