package io.clustr.driver;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@InterruptAfter(30)
class DriverProfilesTest
{
    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private final Properties saved = (Properties)System.getProperties().clone();

    @AfterEach
    void restoreSystemProperties()
    {
        System.setProperties(saved);
    }

    @Test
    void shouldLoadBuiltInProfiles()
    {
        final Properties shared = DriverProfiles.load(DriverProfiles.SHARED);
        assertEquals("SHARED", shared.getProperty("aeron.threading.mode"));
        assertEquals(DriverIdleStrategy.class.getName(), shared.getProperty("aeron.shared.idle.strategy"));
        assertEquals("false", shared.getProperty("aeron.driver.async.executor.enabled"));

        final Properties lowLatency = DriverProfiles.load(DriverProfiles.LOW_LATENCY);
        assertEquals("DEDICATED", lowLatency.getProperty("aeron.threading.mode"));
    }

    @Test
    void shouldRejectUnknownProfileNamingTheBuiltIns()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> DriverProfiles.load("no-such-profile"));
        assertTrue(ex.getMessage().contains("no-such-profile"), ex.getMessage());
        assertTrue(ex.getMessage().contains("shared"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DriverProfiles.load(" "));
    }

    @Test
    void shouldLoadProfileFromFile(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("custom.properties");
        Files.writeString(file, "aeron.threading.mode=SHARED_NETWORK\n");
        assertEquals("SHARED_NETWORK", DriverProfiles.load(file.toString()).getProperty("aeron.threading.mode"));
    }

    @Test
    void shouldNotOverrideSystemPropertiesAlreadySet()
    {
        System.setProperty("aeron.threading.mode", "DEDICATED");
        DriverProfiles.apply(DriverProfiles.SHARED);
        assertEquals("DEDICATED", System.getProperty("aeron.threading.mode"));
        assertEquals(DriverIdleStrategy.class.getName(), System.getProperty("aeron.shared.idle.strategy"));
    }

    @Test
    void shouldLaunchSharedDriverAndDeleteItsDirectoryOnClose()
    {
        final String dir = new File(System.getProperty("java.io.tmpdir"), "clustr-test-" + UUID.randomUUID())
            .getAbsolutePath();
        final MediaDriver.Context ctx = DriverProfiles.context(DriverProfiles.SHARED).aeronDirectoryName(dir);
        try (MediaDriver driver = MediaDriver.launchEmbedded(ctx))
        {
            watcher.watch(driver.aeronDirectoryName());
            assertEquals(ThreadingMode.SHARED, driver.context().threadingMode());
            assertEquals(4 * 1024 * 1024, driver.context().ipcTermBufferLength());
            assertTrue(new File(dir).exists());
        }
        assertFalse(new File(dir).exists(), "driver directory left behind: " + dir);
    }
}
