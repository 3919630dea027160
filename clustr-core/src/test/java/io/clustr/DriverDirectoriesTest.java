package io.clustr;

import io.aeron.CncFileDescriptor;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import org.agrona.IoUtil;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Which master directories are stale, on directories laid out as masters lay them out, with a real driver's
 * {@code cnc.dat} whose pid and heartbeat are rewritten: the rules of {@link DriverDirectories}, one at a time. The
 * base is a directory of the test's own, so nothing else on the host is looked at.
 */
@InterruptAfter(30)
class DriverDirectoriesTest
{
    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private final Path base = Path.of("/dev/shm", "clustr-test-stale-" + UUID.randomUUID());
    private MediaDriver driver;
    private Path liveCnc;
    private long deadPid;

    @BeforeEach
    void startDriver() throws Exception
    {
        Files.createDirectories(base);
        final Path live = base.resolve("live-driver");
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(live.toString())
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(false)
            .dirDeleteOnShutdown(true));
        watcher.watch(live.toString());
        liveCnc = live.resolve(CncFileDescriptor.CNC_FILE);

        final Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
        deadPid = gone.pid();
        assertFalse(ProcessHandle.of(deadPid).isPresent(), "pid " + deadPid + " has exited");
    }

    @AfterEach
    void stopDriver()
    {
        if (null != driver)
        {
            driver.close();
        }
        IoUtil.delete(base.toFile(), true);
    }

    @Test
    void shouldFindOnlyDirectoriesWhoseMasterAndDriverAreGoneAndWhoseHeartbeatStopped() throws IOException
    {
        final long me = ProcessHandle.current().pid();
        final long now = System.currentTimeMillis();

        final Path killedBeforeDriver = masterDirectory(deadPid, "00000001");
        final Path killedWithDriver = withCnc(masterDirectory(deadPid, "00000002"), deadPid, now - 60_000);
        final Path liveMaster = masterDirectory(me, "00000003");
        final Path liveHeartbeatOtherNamespace = withCnc(masterDirectory(deadPid, "00000004"), deadPid, now);
        final Path driverPidAlive = withCnc(masterDirectory(deadPid, "00000005"), me, now - 60_000);
        final Path notOurName = Files.createDirectories(base.resolve("clustr-test-" + deadPid + "-00000006"));
        final Path oldLayout = base.resolve("clustr-" + deadPid + "-00000007");
        Files.createDirectories(oldLayout);
        Files.copy(liveCnc, oldLayout.resolve(CncFileDescriptor.CNC_FILE));
        rewrite(oldLayout.resolve(CncFileDescriptor.CNC_FILE), deadPid, now - 60_000);

        final List<Path> stale = DriverDirectories.findStale(base).stream()
            .map(DriverDirectories.Stale::directory).sorted().collect(Collectors.toList());
        assertEquals(List.of(killedBeforeDriver, killedWithDriver, oldLayout), stale,
            "stale: master and driver pids gone, no heartbeat for 60 s (or no driver at all)");

        final List<DriverDirectories.Stale> removed = DriverDirectories.removeStale(base);
        assertEquals(3, removed.size(), removed.toString());
        assertTrue(removed.get(0).describe().contains("not running"), removed.get(0).describe());
        for (final Path path : stale)
        {
            assertFalse(Files.exists(path), "removed: " + path);
        }
        for (final Path kept : List.of(liveMaster, liveHeartbeatOtherNamespace, driverPidAlive, notOurName))
        {
            assertTrue(Files.exists(kept), "kept: " + kept);
        }
        assertTrue(Files.exists(liveCnc), "the live driver's directory is not a master directory: untouched");
    }

    @Test
    void shouldNeverTouchAnotherUsersDirectory() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to chown");
        final Path theirs = masterDirectory(deadPid, "0000000a");
        final Process chown = new ProcessBuilder("chown", "-R", "nobody", theirs.toString()).inheritIO().start();
        assumeTrue(chown.waitFor(10, TimeUnit.SECONDS) && 0 == chown.exitValue(), "chown nobody");

        assertTrue(DriverDirectories.findStale(base).isEmpty());
        assertTrue(DriverDirectories.removeStale(base).isEmpty());
        assertTrue(Files.exists(theirs));
    }

    private Path masterDirectory(final long pid, final String suffix) throws IOException
    {
        final Path directory = base.resolve("clustr-" + pid + "-" + suffix);
        Files.createDirectories(directory.resolve(DriverDirectories.DRIVER_SUBDIRECTORY));
        return directory;
    }

    private Path withCnc(final Path masterDirectory, final long driverPid, final long heartbeatMs)
        throws IOException
    {
        final Path cnc = masterDirectory.resolve(DriverDirectories.DRIVER_SUBDIRECTORY)
            .resolve(CncFileDescriptor.CNC_FILE);
        Files.copy(liveCnc, cnc);
        rewrite(cnc, driverPid, heartbeatMs);
        return masterDirectory;
    }

    private static void rewrite(final Path cncFile, final long pid, final long heartbeatMs) throws IOException
    {
        try (FileChannel channel = FileChannel.open(cncFile, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size());
            buffer.order(ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(CncFileDescriptor.PID_FIELD_OFFSET, pid);
            final int toDriverLength = buffer.getInt(CncFileDescriptor.TO_DRIVER_BUFFER_LENGTH_FIELD_OFFSET);
            buffer.putLong(CncFileDescriptor.META_DATA_LENGTH + toDriverLength - RingBufferDescriptor.TRAILER_LENGTH +
                RingBufferDescriptor.CONSUMER_HEARTBEAT_OFFSET, heartbeatMs);
            IoUtil.unmap(buffer);
        }
    }
}
