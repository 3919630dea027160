package io.clustr.test;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The watcher against real embedded drivers: it fails on an error the driver logged, reads the log after the driver
 * deleted its directory, reports each error once, honours allowances for one test only, and refuses to pass a
 * directory it could never read.
 */
@InterruptAfter(30)
class DriverErrorLogWatcherTest
{
    private static final String TERM_LENGTH_ERROR = "Term length less than min length";

    private final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();
    private final String directory = TestDrivers.newDirectory();
    private MediaDriver driver;
    private Aeron aeron;

    @AfterEach
    void closeDriver()
    {
        CloseHelper.closeAll(aeron, driver);
        assertFalse(new File(directory).exists(), "driver directory left behind: " + directory);
    }

    @Test
    void shouldFailWhenTheDriverLoggedAnError()
    {
        start();
        TestDrivers.provokeDriverError(aeron);

        final AssertionError error = assertThrows(AssertionError.class, watcher::check);
        final String message = error.getMessage();
        assertTrue(message.startsWith("1 unexpected distinct error(s) in the media driver error log:\n"), message);
        assertTrue(message.contains(new File(directory).getAbsolutePath() + ": 1 observation(s): " +
            IllegalStateException.class.getName() + ": " + TERM_LENGTH_ERROR), message);
        assertTrue(message.contains("at io.aeron.driver.DriverConductor.onAddIpcPublication"), message);
    }

    @Test
    void shouldPassWhenTheDriverWorkedWithoutErrors()
    {
        start();
        exchangeOneMessage();

        watcher.check();
        assertEquals(List.of(new File(directory).getAbsolutePath()), watcher.watchedDirectories());
    }

    @Test
    void shouldReadTheErrorLogAfterTheDriverDeletedItsDirectory()
    {
        start();
        TestDrivers.provokeDriverError(aeron);
        CloseHelper.closeAll(aeron, driver);
        aeron = null;
        driver = null;
        assertFalse(new File(directory).exists(), "the embedded driver deletes its directory on close");

        final AssertionError error = assertThrows(AssertionError.class, watcher::check);
        assertTrue(error.getMessage().contains(TERM_LENGTH_ERROR), error.getMessage());
    }

    @Test
    void shouldReportAnErrorOnceAndAgainOnlyWhenTheDriverSeesItAgain()
    {
        start();
        TestDrivers.provokeDriverError(aeron);
        assertThrows(AssertionError.class, watcher::check);
        watcher.check();

        TestDrivers.provokeDriverError(aeron);
        TestDrivers.provokeDriverError(aeron);
        final AssertionError again = assertThrows(AssertionError.class, watcher::check);
        assertTrue(again.getMessage().contains(": 2 observation(s): "), again.getMessage());
    }

    @Test
    void shouldPassAnAllowedErrorType()
    {
        start();
        watcher.allow(IllegalStateException.class);
        TestDrivers.provokeDriverError(aeron);

        watcher.check();
    }

    @Test
    void shouldPassAnErrorWithAnAllowedMessage()
    {
        start();
        watcher.allowMessageContaining("length=3");
        TestDrivers.provokeDriverError(aeron);

        watcher.check();
    }

    @Test
    void shouldMatchAnAllowedTypeByItsWholeName()
    {
        start();
        watcher.allow(RuntimeException.class).allow(Exception.class).allowMessageContaining("no such text");
        TestDrivers.provokeDriverError(aeron);

        final AssertionError error = assertThrows(AssertionError.class, watcher::check);
        assertTrue(error.getMessage().contains("(allowed: [RuntimeException, Exception, 'no such text'])"),
            error.getMessage());
    }

    @Test
    void shouldFailForADirectoryWhoseDriverNeverRan()
    {
        watcher.watch(directory);

        final AssertionError error = assertThrows(AssertionError.class, watcher::check);
        assertTrue(error.getMessage().contains(new File(directory).getAbsolutePath() +
            ": its error log could not be read"), error.getMessage());
    }

    @Test
    void shouldMapADirectoryWatchedBeforeItsDriverStarted()
    {
        watcher.watch(directory);
        driver = TestDrivers.launch(directory);
        aeron = TestDrivers.connect(driver);
        TestDrivers.provokeDriverError(aeron);

        final AssertionError error = assertThrows(AssertionError.class, watcher::check);
        assertTrue(error.getMessage().contains(TERM_LENGTH_ERROR), error.getMessage());
    }

    @Test
    void shouldReadBothCncFilesWhenADriverIsStartedAgainInTheSameDirectory()
    {
        start();
        TestDrivers.provokeDriverError(aeron);
        CloseHelper.closeAll(aeron, driver);

        start();
        aeron.addSubscription("aeron:ipc", 7).close();
        watcher.allowMessageContaining("no such text");
        TestDrivers.provokeOtherDriverError(aeron);

        final AssertionError error = assertThrows(AssertionError.class, watcher::check);
        assertTrue(error.getMessage().startsWith("2 unexpected distinct error(s)"), error.getMessage());
        assertTrue(error.getMessage().contains(TERM_LENGTH_ERROR), error.getMessage());
    }

    @Test
    void shouldFailATestThatLeftAnErrorAndPassOneThatAllowedIt()
    {
        final SampleRun run = SampleRun.of(SampleErrors.class);

        assertEquals(TestExecutionResult.Status.SUCCESSFUL, run.status("cleanTest()"), run.toString());
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, run.status("allowedError()"), run.toString());
        final Throwable failure = run.failure("unexpectedError()");
        assertTrue(failure.getMessage().contains(TERM_LENGTH_ERROR), failure.getMessage());
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, run.status("SampleErrors"), run.toString());
    }

    @Test
    void shouldCheckEachTestAndTheClassTearDownWhenStatic()
    {
        final SampleRun run = SampleRun.of(SampleClassScoped.class);

        assertTrue(run.failure("first()").getMessage().contains(TERM_LENGTH_ERROR), run.toString());
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, run.status("second()"), run.toString());
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, run.status("third()"), run.toString());
        final Throwable classFailure = run.failure("SampleClassScoped");
        assertTrue(classFailure.getMessage().contains("1 unexpected distinct error(s)"), classFailure.getMessage());
        assertTrue(classFailure.getMessage().contains("mtuLength=3"), classFailure.getMessage());
        assertFalse(new File(SampleClassScoped.DIRECTORY).exists());
    }

    @Test
    void shouldCheckEachTestAndTheClassTearDownOnAnInstanceFieldOfAPerClassTest()
    {
        final SampleRun run = SampleRun.of(SamplePerClass.class);

        assertTrue(run.failure("first()").getMessage().contains(TERM_LENGTH_ERROR), run.toString());
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, run.status("second()"), run.toString());
        assertTrue(run.failure("third()").getMessage().contains(TERM_LENGTH_ERROR), run.toString());
        final Throwable classFailure = run.failure("SamplePerClass");
        assertTrue(classFailure.getMessage().contains("mtuLength=3"), classFailure.getMessage());
        assertFalse(new File(SamplePerClass.DIRECTORY).exists());
    }

    private void start()
    {
        driver = TestDrivers.launch(directory);
        watcher.watch(directory);
        aeron = TestDrivers.connect(driver);
    }

    private void exchangeOneMessage()
    {
        try (Subscription subscription = aeron.addSubscription("aeron:ipc", 7);
            Publication publication = aeron.addPublication("aeron:ipc", 7))
        {
            final byte[] bytes = "hello".getBytes(StandardCharsets.US_ASCII);
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            Tests.await(() -> publication.offer(buffer) > 0, Duration.ofSeconds(10), "offer on " + publication);
            final StringBuilder received = new StringBuilder();
            Tests.await(() ->
            {
                subscription.poll((b, offset, length, header) -> received.append(b.getStringWithoutLengthAscii(
                    offset, length)), 10);
                return received.length() > 0;
            }, Duration.ofSeconds(10), "a message on " + subscription);
            assertEquals("hello", received.toString());
        }
    }

    /**
     * Run by {@link #shouldFailATestThatLeftAnErrorAndPassOneThatAllowedIt}: one watcher per test.
     */
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class SampleErrors
    {
        @RegisterExtension
        final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

        private final String directory = TestDrivers.newDirectory();

        @Test
        @Order(1)
        void unexpectedError()
        {
            runWithError(false);
        }

        @Test
        @Order(2)
        void allowedError()
        {
            runWithError(true);
        }

        @Test
        @Order(3)
        void cleanTest()
        {
            try (MediaDriver driver = TestDrivers.launch(directory))
            {
                watcher.watch(driver.aeronDirectoryName());
            }
        }

        private void runWithError(final boolean allowed)
        {
            try (MediaDriver driver = TestDrivers.launch(directory); Aeron aeron = TestDrivers.connect(driver))
            {
                watcher.watch(directory);
                if (allowed)
                {
                    watcher.allow(IllegalStateException.class);
                }
                TestDrivers.provokeDriverError(aeron);
            }
        }
    }

    /**
     * Run by {@link #shouldCheckEachTestAndTheClassTearDownWhenStatic}: one driver and one watcher for the class,
     * an error in the first test only, and one logged in the class tear-down just before the driver closes.
     */
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class SampleClassScoped
    {
        static final String DIRECTORY = TestDrivers.newDirectory();

        @RegisterExtension
        static final DriverErrorLogWatcher WATCHER = new DriverErrorLogWatcher();

        private static MediaDriver driver;
        private static Aeron aeron;

        @BeforeAll
        static void startDriver()
        {
            driver = TestDrivers.launch(DIRECTORY);
            WATCHER.watch(DIRECTORY);
            aeron = TestDrivers.connect(driver);
        }

        @AfterAll
        static void stopDriver()
        {
            TestDrivers.provokeOtherDriverError(aeron);
            CloseHelper.closeAll(aeron, driver);
        }

        @Test
        @Order(1)
        void first()
        {
            TestDrivers.provokeDriverError(aeron);
        }

        @Test
        @Order(2)
        void second()
        {
            aeron.addSubscription("aeron:ipc", 7).close();
        }

        @Test
        @Order(3)
        void third()
        {
            WATCHER.allow(IllegalStateException.class);
            TestDrivers.provokeDriverError(aeron);
        }
    }

    /**
     * Run by {@link #shouldCheckEachTestAndTheClassTearDownOnAnInstanceFieldOfAPerClassTest}: as
     * {@link SampleClassScoped}, with one test instance for the class and the watcher on an instance field.
     */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class SamplePerClass
    {
        static final String DIRECTORY = TestDrivers.newDirectory();

        @RegisterExtension
        final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

        private MediaDriver driver;
        private Aeron aeron;

        @BeforeAll
        void startDriver()
        {
            driver = TestDrivers.launch(DIRECTORY);
            watcher.watch(DIRECTORY);
            aeron = TestDrivers.connect(driver);
        }

        @AfterAll
        void stopDriver()
        {
            TestDrivers.provokeOtherDriverError(aeron);
            CloseHelper.closeAll(aeron, driver);
        }

        @Test
        @Order(1)
        void first()
        {
            TestDrivers.provokeDriverError(aeron);
        }

        @Test
        @Order(2)
        void second()
        {
            aeron.addSubscription("aeron:ipc", 7).close();
        }

        @Test
        @Order(3)
        void third()
        {
            TestDrivers.provokeDriverError(aeron);
        }
    }
}
