package io.clustr.test;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;

/**
 * Bounds a test in time: when it runs longer, its thread is interrupted and the test fails with a message saying so
 * and where the thread was. On a class it bounds each phase separately: the class set-up ({@code @BeforeAll}), each
 * test (with its {@code @BeforeEach}), each test's tear-down ({@code @AfterEach}) and the class tear-down
 * ({@code @AfterAll}). On a method it bounds that test and overrides the class's value. The annotation registers
 * {@link InterruptingTestCallback} itself.
 * <p>
 * An interrupt stops a test only where it waits: blocking calls, {@link Tests#await} and {@link Tests#sleep}. Use
 * those, not busy loops, so that a timeout ends the test.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@ExtendWith(InterruptingTestCallback.class)
public @interface InterruptAfter
{
    /**
     * How long a phase may run before its thread is interrupted.
     *
     * @return the duration, in {@link #unit()}.
     */
    long value();

    /**
     * The unit of {@link #value()}.
     *
     * @return the unit, seconds by default.
     */
    TimeUnit unit() default TimeUnit.SECONDS;
}
