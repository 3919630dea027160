package io.clustr.test;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@InterruptAfter(30)
class TestsTest
{
    @Test
    void shouldReturnOnceTheConditionHolds()
    {
        final AtomicLong calls = new AtomicLong();
        Tests.await(() -> calls.incrementAndGet() >= 3, Duration.ofSeconds(10), "three calls");
        assertEquals(3, calls.get());
    }

    @Test
    void shouldFailWithTheMessageWhenTimeIsUp()
    {
        final AssertionError error = assertThrows(AssertionError.class,
            () -> Tests.await(() -> false, Duration.ofMillis(20), () -> "the impossible"));
        assertEquals("not within PT0.02S: the impossible", error.getMessage());
    }

    @Test
    void shouldFailAtOnceAndClearTheInterruptWhenInterrupted()
    {
        Thread.currentThread().interrupt();
        final AssertionError error = assertThrows(AssertionError.class,
            () -> Tests.await(() -> false, Duration.ofSeconds(10), "something"));
        assertEquals("interrupted while waiting for: something", error.getMessage());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void shouldWaitForACounterAndFailWhenItGoesPast()
    {
        final AtomicLong counter = new AtomicLong(5);
        Tests.awaitValue(counter::get, 5, Duration.ofSeconds(1), "counter");

        final AssertionError error = assertThrows(AssertionError.class,
            () -> Tests.awaitValue(counter::incrementAndGet, 7, Duration.ofSeconds(1), "counter"));
        assertEquals("counter expected 7 but went on to 8", error.getMessage());

        final AssertionError stuck = assertThrows(AssertionError.class,
            () -> Tests.awaitValue(() -> 1, 2, Duration.ofMillis(20), "stuck"));
        assertTrue(stuck.getMessage().endsWith("stuck expected to reach 2 but is 1"), stuck.getMessage());
    }

    @Test
    void shouldPollAQueue()
    {
        final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        queue.add("first");
        assertEquals("first", Tests.poll(queue, Duration.ofSeconds(1), () -> "an element"));

        final AssertionError error = assertThrows(AssertionError.class,
            () -> Tests.poll(queue, Duration.ofMillis(20), () -> "a second element"));
        assertEquals("not within PT0.02S: a second element", error.getMessage());
    }

    @Test
    void shouldFailWhenInterruptedAndClearTheInterrupt()
    {
        Thread.currentThread().interrupt();
        final AssertionError error = assertThrows(AssertionError.class, () -> Tests.checkInterrupt("testing"));
        assertEquals("interrupted while testing", error.getMessage());
        Tests.checkInterrupt("testing again");
    }
}
