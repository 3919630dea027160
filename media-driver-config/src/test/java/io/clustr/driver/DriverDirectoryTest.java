package io.clustr.driver;

import io.aeron.CncFileDescriptor;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.exceptions.ActiveDriverException;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import org.agrona.IoUtil;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Liveness read from a real driver's {@code cnc.dat}, and what {@link DriverDirectory#prepareForLaunch} refuses.
 */
@InterruptAfter(30)
class DriverDirectoryTest
{
    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private final Path root = Path.of("/dev/shm", "clustr-test-driverdir-" + UUID.randomUUID());

    @AfterEach
    void deleteRoot()
    {
        IoUtil.delete(root.toFile(), true);
    }

    @Test
    void shouldTellALiveDriverFromAStoppedOneAndNeverReplaceTheLiveOne() throws IOException
    {
        final Path live = root.resolve("live");
        final Path copy = root.resolve("stopped");
        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(live.toString())
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(false)
            .dirDeleteOnShutdown(true)))
        {
            watcher.watch(driver.aeronDirectoryName());
            final DriverDirectory.Status status = DriverDirectory.status(live);
            assertEquals(DriverDirectory.State.ACTIVE, status.state(), status.describe());
            assertEquals(ProcessHandle.current().pid(), status.driverPid());
            assertTrue(status.isInUse());

            final ActiveDriverException refused = assertThrows(
                ActiveDriverException.class, () -> DriverDirectory.prepareForLaunch(live));
            assertTrue(refused.getMessage().contains(live.toString()), refused.getMessage());
            assertTrue(refused.getMessage().contains("pid " + ProcessHandle.current().pid()), refused.getMessage());
            assertEquals(DriverDirectory.State.ACTIVE, DriverDirectory.status(live).state(), "still running");

            // the same file with a heartbeat a minute old: a driver that has gone
            Files.createDirectories(copy);
            Files.copy(live.resolve(CncFileDescriptor.CNC_FILE), copy.resolve(CncFileDescriptor.CNC_FILE),
                StandardCopyOption.REPLACE_EXISTING);
            setHeartbeat(copy.resolve(CncFileDescriptor.CNC_FILE), System.currentTimeMillis() - 60_000);
            final DriverDirectory.Status stopped = DriverDirectory.status(copy);
            assertEquals(DriverDirectory.State.STOPPED, stopped.state(), stopped.describe());
            assertTrue(stopped.heartbeatAgeMs() >= 60_000, stopped.describe());
            assertFalse(stopped.isInUse());

            assertEquals(DriverDirectory.State.STOPPED, DriverDirectory.prepareForLaunch(copy).state());
            assertFalse(Files.exists(copy), "a stopped driver's directory is deleted before a launch");
        }
        assertFalse(Files.exists(live));
    }

    @Test
    void shouldRefuseADirectoryThatIsNotADriversAndLeaveItAlone() throws IOException
    {
        final Path notADriver = root.resolve("home");
        Files.createDirectories(notADriver);
        Files.writeString(notADriver.resolve("precious.txt"), "keep me");

        assertEquals(DriverDirectory.State.NO_DRIVER, DriverDirectory.status(notADriver).state());
        final IllegalStateException ex = assertThrows(
            IllegalStateException.class, () -> DriverDirectory.prepareForLaunch(notADriver));
        assertTrue(ex.getMessage().contains("not a media driver directory"), ex.getMessage());
        assertEquals("keep me", Files.readString(notADriver.resolve("precious.txt")));

        final Path empty = root.resolve("empty");
        Files.createDirectories(empty);
        assertEquals(DriverDirectory.State.NO_DRIVER, DriverDirectory.prepareForLaunch(empty).state());
        assertEquals(DriverDirectory.State.MISSING, DriverDirectory.status(root.resolve("none")).state());
    }

    @Test
    void shouldRestrictADirectoryAndItsFilesToTheOwner() throws IOException
    {
        final Path dir = root.resolve("restricted");
        Files.createDirectories(dir.resolve("publications"));
        Files.writeString(dir.resolve("cnc.dat"), "x");
        Files.writeString(dir.resolve("publications").resolve("1.logbuffer"), "y");
        Files.setPosixFilePermissions(dir.resolve("cnc.dat"), PosixFilePermissions.fromString("rw-r--r--"));

        DriverDirectory.restrictToOwner(dir);

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rwx------", PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dir.resolve("publications"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cnc.dat"))));
        assertEquals("rw-------", PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dir.resolve("publications").resolve("1.logbuffer"))));
    }

    static void setHeartbeat(final Path cncFile, final long timeMs) throws IOException
    {
        try (FileChannel channel = FileChannel.open(cncFile, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size());
            buffer.order(ByteOrder.LITTLE_ENDIAN);
            final int toDriverLength = buffer.getInt(CncFileDescriptor.TO_DRIVER_BUFFER_LENGTH_FIELD_OFFSET);
            buffer.putLong(CncFileDescriptor.META_DATA_LENGTH + toDriverLength - RingBufferDescriptor.TRAILER_LENGTH +
                RingBufferDescriptor.CONSUMER_HEARTBEAT_OFFSET, timeMs);
            IoUtil.unmap(buffer);
        }
    }
}
