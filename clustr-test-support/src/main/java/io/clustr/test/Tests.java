package io.clustr.test;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Bounded waits for tests. Each returns as soon as its condition holds, fails with the caller's message when the
 * time is up, and fails at once when the thread is interrupted (by {@link InterruptAfter}), clearing the interrupt
 * so that the test's own clean-up can still wait for what it stops.
 */
public final class Tests
{
    private static final long PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private Tests()
    {
    }

    /**
     * Wait until a condition holds.
     *
     * @param condition checked at once, then about every millisecond.
     * @param timeout   how long to wait at most.
     * @param message   what was awaited, evaluated only on failure (it may describe the state seen).
     * @throws AssertionError when the timeout passes or the thread is interrupted first.
     */
    public static void await(final BooleanSupplier condition, final Duration timeout, final Supplier<String> message)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("not within " + timeout + ": " + message.get());
            }
            pause(message);
        }
    }

    /**
     * Wait until a condition holds.
     *
     * @param condition checked at once, then about every millisecond.
     * @param timeout   how long to wait at most.
     * @param message   what was awaited.
     * @throws AssertionError when the timeout passes or the thread is interrupted first.
     */
    public static void await(final BooleanSupplier condition, final Duration timeout, final String message)
    {
        await(condition, timeout, () -> message);
    }

    /**
     * Wait until a value that only grows (a counter) reaches {@code expected}, then check it is exactly that: a
     * value that went past it fails too.
     *
     * @param value    read at once, then about every millisecond.
     * @param expected the value to reach.
     * @param timeout  how long to wait at most.
     * @param what     what the value is, for the failure message.
     * @throws AssertionError when it does not reach {@code expected} in time, or passes it.
     */
    public static void awaitValue(
        final LongSupplier value, final long expected, final Duration timeout, final String what)
    {
        await(() -> value.getAsLong() >= expected, timeout,
            () -> what + " expected to reach " + expected + " but is " + value.getAsLong());
        final long actual = value.getAsLong();
        if (expected != actual)
        {
            throw new AssertionError(what + " expected " + expected + " but went on to " + actual);
        }
    }

    /**
     * Take the head of a queue, waiting for one to arrive.
     *
     * @param queue   the queue to take from.
     * @param timeout how long to wait at most.
     * @param message what was awaited, evaluated only on failure.
     * @param <T>     the element type.
     * @return the element taken, never null.
     * @throws AssertionError when nothing arrives in time, or the thread is interrupted first.
     */
    public static <T> T poll(final BlockingQueue<T> queue, final Duration timeout, final Supplier<String> message)
    {
        final T element;
        try
        {
            element = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError("interrupted while waiting for: " + message.get(), ex);
        }
        if (null == element)
        {
            throw new AssertionError("not within " + timeout + ": " + message.get());
        }

        return element;
    }

    /**
     * Sleep, for pacing only: never to wait for something to happen (use {@link #await}) nor to show that nothing
     * happens (send a sentinel after it and wait for that).
     *
     * @param millis how long to sleep.
     * @throws AssertionError when the thread is interrupted.
     */
    public static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError("interrupted while sleeping", ex);
        }
    }

    /**
     * Fail if the thread has been interrupted, clearing the interrupt.
     *
     * @param doing what the caller was doing, for the failure message.
     * @throws AssertionError when the thread was interrupted.
     */
    public static void checkInterrupt(final String doing)
    {
        if (Thread.interrupted())
        {
            throw new AssertionError("interrupted while " + doing);
        }
    }

    private static void pause(final Supplier<String> message)
    {
        LockSupport.parkNanos(PAUSE_NS);
        if (Thread.interrupted())
        {
            throw new AssertionError("interrupted while waiting for: " + message.get());
        }
    }
}
