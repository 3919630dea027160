package io.clustr.test;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The extension behind {@link InterruptAfter}: it arms a timer on the test thread at the start of each phase
 * (class set-up, test, test tear-down, class tear-down); when a timer expires it records where the thread is and
 * interrupts it. The phase then fails with an {@link AssertionError} that says it timed out, with what the phase
 * threw as cause and the thread's stack at the interrupt as a suppressed throwable; a phase that swallowed the
 * interrupt and finished fails all the same. The interrupt flag is cleared before the next phase, so that the
 * tear-down after a timeout can still wait for what it stops.
 * <p>
 * Register it through {@link InterruptAfter}, not directly. Tests of one class must run on one thread (JUnit's
 * default).
 */
public final class InterruptingTestCallback implements BeforeAllCallback, BeforeEachCallback,
    AfterTestExecutionCallback, AfterEachCallback, AfterAllCallback, TestExecutionExceptionHandler,
    LifecycleMethodExecutionExceptionHandler
{
    private static final ScheduledThreadPoolExecutor SCHEDULER = newScheduler();

    private InterruptAfter classTimeout;
    private Watchdog watchdog;
    private Watchdog unreported;

    /**
     * Created by JUnit, once per class (or per method) that carries {@link InterruptAfter}.
     */
    public InterruptingTestCallback()
    {
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void beforeAll(final ExtensionContext context)
    {
        disarm();
        classTimeout = AnnotationSupport.findAnnotation(context.getTestClass(), InterruptAfter.class).orElse(null);
        arm(classTimeout, "class set-up of " + context.getDisplayName());
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void beforeEach(final ExtensionContext context)
    {
        disarm();
        failIfUnreported();
        arm(timeoutOf(context), "test " + context.getDisplayName());
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void afterTestExecution(final ExtensionContext context)
    {
        disarm();
        arm(timeoutOf(context), "tear-down of " + context.getDisplayName());
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void afterEach(final ExtensionContext context)
    {
        disarm();
        arm(classTimeout, "class tear-down after " + context.getDisplayName());
        failIfUnreported();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void afterAll(final ExtensionContext context)
    {
        disarm();
        classTimeout = null;
        failIfUnreported();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void handleTestExecutionException(final ExtensionContext context, final Throwable throwable)
        throws Throwable
    {
        throw timedOutOr(throwable);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void handleBeforeAllMethodExecutionException(final ExtensionContext context, final Throwable throwable)
        throws Throwable
    {
        throw timedOutOr(throwable);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void handleBeforeEachMethodExecutionException(final ExtensionContext context, final Throwable throwable)
        throws Throwable
    {
        throw timedOutOr(throwable);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void handleAfterEachMethodExecutionException(final ExtensionContext context, final Throwable throwable)
        throws Throwable
    {
        throw timedOutOr(throwable);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void handleAfterAllMethodExecutionException(final ExtensionContext context, final Throwable throwable)
        throws Throwable
    {
        throw timedOutOr(throwable);
    }

    private InterruptAfter timeoutOf(final ExtensionContext context)
    {
        final Optional<InterruptAfter> onMethod =
            AnnotationSupport.findAnnotation(context.getTestMethod(), InterruptAfter.class);

        return onMethod.orElseGet(() ->
            AnnotationSupport.findAnnotation(context.getTestClass(), InterruptAfter.class).orElse(classTimeout));
    }

    private void arm(final InterruptAfter timeout, final String phase)
    {
        if (null != timeout)
        {
            watchdog = new Watchdog(Thread.currentThread(), phase, timeout.value(), timeout.unit());
            watchdog.start();
        }
    }

    /**
     * Stop the current timer; if it expired, clear the interrupt it caused and keep it until its failure is reported.
     */
    private void disarm()
    {
        final Watchdog current = watchdog;
        watchdog = null;
        if (null != current && current.stop())
        {
            Thread.interrupted();
            if (!current.reported)
            {
                unreported = current;
            }
        }
    }

    private Throwable timedOutOr(final Throwable throwable)
    {
        final Watchdog current = watchdog;
        final Watchdog expired = null != current && current.hasExpired() && !current.reported ? current : unreported;
        if (null != expired && !expired.reported)
        {
            expired.reported = true;
            return expired.timeoutError(throwable);
        }

        return throwable;
    }

    private void failIfUnreported()
    {
        final Watchdog expired = unreported;
        unreported = null;
        if (null != expired && !expired.reported)
        {
            expired.reported = true;
            throw expired.timeoutError(null);
        }
    }

    private static ScheduledThreadPoolExecutor newScheduler()
    {
        final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, (runnable) ->
        {
            final Thread thread = new Thread(runnable, "clustr-interrupt-after");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);

        return scheduler;
    }

    /**
     * The timer of one phase. {@link #run()} and {@link #stop()} exclude each other, so no interrupt arrives after
     * {@link #stop()} returns.
     */
    private static final class Watchdog implements Runnable
    {
        private final Thread thread;
        private final String phase;
        private final long timeout;
        private final TimeUnit unit;
        private ScheduledFuture<?> future;
        private boolean armed = true;
        private boolean expired;
        private StackTraceElement[] stack;
        private boolean reported;

        Watchdog(final Thread thread, final String phase, final long timeout, final TimeUnit unit)
        {
            this.thread = thread;
            this.phase = phase;
            this.timeout = timeout;
            this.unit = unit;
        }

        void start()
        {
            future = SCHEDULER.schedule(this, timeout, unit);
        }

        @Override
        public synchronized void run()
        {
            if (armed)
            {
                expired = true;
                stack = thread.getStackTrace();
                thread.interrupt();
            }
        }

        synchronized boolean stop()
        {
            armed = false;
            future.cancel(false);
            return expired;
        }

        synchronized boolean hasExpired()
        {
            return expired;
        }

        synchronized AssertionError timeoutError(final Throwable cause)
        {
            final AssertionError error = new AssertionError(
                phase + " timed out after " + timeout + " " + unit.name().toLowerCase() + " (@InterruptAfter): " +
                "its thread " + thread.getName() + " was interrupted" + (null == cause ? " and it did not fail" : ""),
                cause);
            if (null != stack)
            {
                final Throwable where = new Throwable("where " + thread.getName() + " was when interrupted");
                where.setStackTrace(stack);
                error.addSuppressed(where);
            }

            return error;
        }
    }
}
