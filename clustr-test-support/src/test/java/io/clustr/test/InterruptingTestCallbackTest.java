package io.clustr.test;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.engine.TestExecutionResult;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link InterruptAfter} on sample classes run through a launcher: a test that runs too long fails and says so, one
 * that swallows the interrupt fails all the same, the tear-down runs without the interrupt, a timer never outlives
 * its phase, and a hung class set-up fails the class.
 */
@InterruptAfter(30)
class InterruptingTestCallbackTest
{
    private static final AtomicBoolean TEAR_DOWN_INTERRUPTED = new AtomicBoolean(true);

    @Test
    void shouldFailATestThatRunsTooLongAndSayWhereItWas()
    {
        final SampleRun run = SampleRun.of(SampleTimeouts.class);

        final Throwable failure = run.failure("sleepsTooLong()");
        assertEquals("test sleepsTooLong() timed out after 200 milliseconds (@InterruptAfter): its thread " +
            Thread.currentThread().getName() + " was interrupted", failure.getMessage());
        assertInstanceOf(AssertionError.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().contains("interrupted while sleeping"), failure.getCause()
            .getMessage());
        assertEquals(1, failure.getSuppressed().length, Arrays.toString(failure.getSuppressed()));
        assertTrue(Arrays.stream(failure.getSuppressed()[0].getStackTrace())
            .anyMatch((frame) -> frame.getMethodName().equals("sleepsTooLong")), "stack shows the test method");
        assertFalse(TEAR_DOWN_INTERRUPTED.get(), "the tear-down after a timeout runs without the interrupt");
    }

    @Test
    void shouldFailATestThatSwallowedTheInterrupt()
    {
        final SampleRun run = SampleRun.of(SampleTimeouts.class);

        final Throwable failure = run.failure("swallowsTheInterrupt()");
        assertTrue(failure.getMessage().startsWith("test swallowsTheInterrupt() timed out after 200 milliseconds"),
            failure.getMessage());
        assertTrue(failure.getMessage().endsWith("and it did not fail"), failure.getMessage());
    }

    @Test
    void shouldNotInterruptAfterThePhaseEndedAndLetAMethodOverrideTheClass()
    {
        final SampleRun run = SampleRun.of(SampleTimeouts.class);

        assertEquals(TestExecutionResult.Status.SUCCESSFUL, run.status("fast()"), run.toString());
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, run.status("slowButAllowed()"), run.toString());
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, run.status("SampleTimeouts"), run.toString());
    }

    @Test
    void shouldFailAClassWhoseSetUpHangs()
    {
        final SampleRun run = SampleRun.of(SampleHungSetUp.class);

        final Throwable failure = run.failure("SampleHungSetUp");
        assertTrue(failure.getMessage().startsWith("class set-up of InterruptingTestCallbackTest$SampleHungSetUp " +
            "timed out after 200 milliseconds"), failure.getMessage());
    }

    /**
     * Run by the tests above; the order matters for {@link #slowButAllowed()}, which runs past the class timeout of
     * the test before it.
     */
    @InterruptAfter(value = 200, unit = TimeUnit.MILLISECONDS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class SampleTimeouts
    {
        @AfterEach
        void tearDown()
        {
            TEAR_DOWN_INTERRUPTED.set(Thread.currentThread().isInterrupted());
            Tests.sleep(10);
        }

        @Test
        @Order(1)
        void sleepsTooLong()
        {
            Tests.sleep(10_000);
        }

        @Test
        @Order(2)
        void swallowsTheInterrupt()
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Thread.interrupted() && System.nanoTime() < deadlineNs)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }

        @Test
        @Order(3)
        void fast()
        {
            Tests.sleep(10);
        }

        @Test
        @Order(4)
        @InterruptAfter(10)
        void slowButAllowed()
        {
            Tests.sleep(500);
        }
    }

    /**
     * Run by {@link #shouldFailAClassWhoseSetUpHangs()}.
     */
    @InterruptAfter(value = 200, unit = TimeUnit.MILLISECONDS)
    static class SampleHungSetUp
    {
        @BeforeAll
        static void hang()
        {
            Tests.sleep(10_000);
        }

        @Test
        void neverRuns()
        {
        }
    }
}
