package io.clustr.test;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.RegistrationException;

import java.io.File;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Embedded drivers in fresh directories under /dev/shm, and a way to make a driver log an error.
 */
final class TestDrivers
{
    /**
     * A channel the driver refuses: a term length must be a power of two of at least 64 KiB. The driver logs the
     * refusal in its error log and the client gets a {@link RegistrationException}.
     */
    static final String INVALID_CHANNEL = "aeron:ipc?term-length=3";

    private TestDrivers()
    {
    }

    static String newDirectory()
    {
        return new File("/dev/shm", "clustr-test-support-" + UUID.randomUUID()).getPath();
    }

    static MediaDriver launch(final String directory)
    {
        return MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(directory)
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
    }

    static Aeron connect(final MediaDriver driver)
    {
        return Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
    }

    /**
     * Ask the driver for a publication on an invalid channel, which it logs as an error.
     */
    static void provokeDriverError(final Aeron aeron)
    {
        assertThrows(RegistrationException.class, () -> aeron.addPublication(INVALID_CHANNEL, 1001));
    }

    /**
     * Make the driver log an error other than the one of {@link #provokeDriverError(Aeron)}: an MTU that does not
     * hold a frame header.
     */
    static void provokeOtherDriverError(final Aeron aeron)
    {
        assertThrows(RegistrationException.class, () -> aeron.addPublication("aeron:ipc?mtu=3", 1002));
    }
}
