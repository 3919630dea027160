package io.clustr;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.agrona.CloseHelper;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * Counters asked of the media driver all at once and awaited together: a node's start allocates about thirty
 * counters, and one blocking {@code addCounter} each waited for the driver's answer thirty times in a row (the
 * driver's conductor wakes for each command, the client backs off between polls of the answer). Asked in one go,
 * the driver answers them in one or two of its duty cycles.
 */
final class PendingCounters
{
    private static final long MAX_PARK_NS = TimeUnit.MICROSECONDS.toNanos(100);

    private final Aeron aeron;
    private final LongArrayList registrationIds = new LongArrayList();
    private boolean isSettled;

    /**
     * @param aeron client the counters belong to.
     */
    PendingCounters(final Aeron aeron)
    {
        this.aeron = aeron;
    }

    /**
     * @param registrationId of a counter asked with {@code asyncAddCounter}.
     * @return its slot in the array {@link #await()} returns.
     */
    int add(final long registrationId)
    {
        registrationIds.addLong(registrationId);
        return registrationIds.size() - 1;
    }

    /**
     * Wait for every counter asked, at most the client's driver timeout. If one fails, or the driver does not answer
     * in time, the counters already made are closed and the others removed.
     *
     * @return the counters, by slot.
     * @throws io.aeron.exceptions.RegistrationException if the driver refused one.
     * @throws ClustrException                           if the driver did not answer within its timeout.
     */
    Counter[] await()
    {
        final int count = registrationIds.size();
        final Counter[] counters = new Counter[count];
        final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, MAX_PARK_NS);
        // a driver embedded in invoker mode runs when its client waits, as in Aeron's own blocking calls
        final AgentInvoker driverInvoker = aeron.context().driverAgentInvoker();
        final long timeoutMs = aeron.context().driverTimeoutMs();
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        int made = 0;
        int failed = -1;
        try
        {
            while (made < count)
            {
                int found = 0;
                for (int i = 0; i < count; i++)
                {
                    if (null == counters[i])
                    {
                        failed = i;
                        final Counter counter = aeron.getCounter(registrationIds.getLong(i));
                        failed = -1;
                        if (null != counter)
                        {
                            counters[i] = counter;
                            found++;
                        }
                    }
                }
                made += found;

                if (made < count)
                {
                    if (System.nanoTime() - deadlineNs >= 0)
                    {
                        throw new ClustrException("the media driver did not allocate " + (count - made) + " of " +
                            count + " counters within " + timeoutMs + " ms");
                    }
                    if (null != driverInvoker)
                    {
                        driverInvoker.invoke();
                    }
                    else
                    {
                        idle.idle(found);
                    }
                }
            }
        }
        catch (final RuntimeException ex)
        {
            abandon(counters, failed);
            throw ex;
        }

        isSettled = true;
        return counters;
    }

    /**
     * Give up on every counter asked, unless {@link #await()} has returned them or given up itself (a node that fails
     * to start): none is left in the driver's counters file.
     */
    void abandon()
    {
        abandon(new Counter[registrationIds.size()], -1);
    }

    private void abandon(final Counter[] made, final int failed)
    {
        if (isSettled)
        {
            return;
        }
        isSettled = true;
        for (int i = 0, count = registrationIds.size(); i < count; i++)
        {
            if (null != made[i])
            {
                CloseHelper.quietClose(made[i]);
            }
            else if (i != failed && !aeron.isClosed())
            {
                try
                {
                    aeron.asyncRemoveCounter(registrationIds.getLong(i));
                }
                catch (final RuntimeException ignore)
                {
                    // the client is closing: the driver frees its counters with it
                }
            }
        }
    }
}
