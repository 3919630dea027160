package io.clustr.system;

import io.aeron.CommonContext;
import io.clustr.ClustrException;
import io.clustr.DriverDirectories;
import io.clustr.Master;
import io.clustr.Options;
import io.clustr.Worker;
import io.clustr.driver.DriverDirectory;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.agrona.IoUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Driver directories through real processes: a SIGKILLed master's directory is found stale once its driver's
 * heartbeat has stopped and removed by the next master, a live master's never; a directory in use is never replaced,
 * by a second embedded master or a second standalone driver, and neither deletes it when it exits.
 */
@InterruptAfter(90)
class DirectoriesSystemTest
{
    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    @Test
    void shouldRemoveAKilledMastersDirectoryAtTheNextStartButNeverALiveOne() throws Exception
    {
        Path killedDir = null;
        Path aliveDir = null;
        try (ChildJvm killed = ChildJvm.start(true, Map.of(), List.of(), StartupProbe.class.getName(), "master");
            ChildJvm alive = ChildJvm.start(true, Map.of(), List.of(), StartupProbe.class.getName(), "master"))
        {
            final Path killedDriver = Path.of(killed.awaitLine("DIR ", 30_000).substring(4));
            final Path aliveDriver = Path.of(alive.awaitLine("DIR ", 30_000).substring(4));
            killedDir = killedDriver.getParent();
            aliveDir = aliveDriver.getParent();
            watcher.watch(aliveDriver.toString());
            assertEquals(DriverDirectories.defaultBase(), killedDir.getParent());
            assertTrue(DriverDirectories.NAME.matcher(killedDir.getFileName().toString()).matches(),
                killedDir::toString);
            assertTrue(killedDir.getFileName().toString().startsWith("clustr-" + killed.pid() + "-"));
            assertEquals("rwx------", mode(killedDir));

            killed.process.destroyForcibly();
            assertTrue(killed.process.waitFor(10, TimeUnit.SECONDS));
            final long killedNs = System.nanoTime();
            assertTrue(Files.exists(killedDriver.resolve("cnc.dat")), "SIGKILL leaves the driver's files behind");

            final List<Path> justAfter = staleDirectories();
            final long checkedWithinNs = TimeUnit.MILLISECONDS.toNanos(CommonContext.DRIVER_TIMEOUT_MS / 2);
            assertTrue(System.nanoTime() - killedNs < checkedWithinNs,
                "checked while the dead driver's heartbeat is still younger than the driver timeout");
            assertFalse(justAfter.contains(killedDir), "not stale while its heartbeat is fresh: " + justAfter);
            assertFalse(justAfter.contains(aliveDir), "a live master's directory is never stale");

            final Path killedDirectory = killedDir;
            Tests.await(() -> staleDirectories().contains(killedDirectory), Duration.ofSeconds(30),
                () -> killedDirectory + " found stale within 30 s of its master's SIGKILL");
            System.out.println("DirectoriesSystemTest: killed master's directory stale after " +
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs) + " ms");
            assertFalse(staleDirectories().contains(aliveDir), "a live master's directory is never stale");

            final Path nextDir;
            try (Master next = Master.create())
            {
                watcher.watch(next.aeronDirectoryName());
                nextDir = Path.of(next.aeronDirectoryName()).getParent();
                assertFalse(Files.exists(killedDir), "the next master removed the dead one's directory");
                assertEquals(DriverDirectory.State.ACTIVE, DriverDirectory.status(aliveDriver).state(),
                    "and left the live one's");
            }
            assertFalse(Files.exists(nextDir), "a master that closes deletes its whole directory");

            alive.process.destroy();
            assertEquals(143, alive.awaitExit(20_000), alive::output);
            assertFalse(Files.exists(aliveDir), "a master ended by SIGTERM deletes its whole directory");
        }
        finally
        {
            deleteQuietly(killedDir);
            deleteQuietly(aliveDir);
        }
    }

    @Test
    void shouldRefuseASecondEmbeddedMasterOnADirectoryInUseAndLeaveItRunning() throws Exception
    {
        final String dir = "/dev/shm/clustr-test-inuse-" + UUID.randomUUID();
        try (ChildJvm first = ChildJvm.start(true, Map.of(), List.of(), StartupProbe.class.getName(), "master", dir))
        {
            first.awaitLine("DIR ", 30_000);
            watcher.watch(dir);
            assertEquals("rwx------", mode(Path.of(dir)), "a given directory is restricted once the driver runs");

            final ClustrException inThisJvm = assertThrows(
                ClustrException.class, () -> Master.create(Options.aeronDirectory(dir)));
            assertRefusal(inThisJvm.getMessage(), dir, first.pid());
            assertJoinable(dir, first.pid());

            try (ChildJvm second = ChildJvm.start(
                true, Map.of(), List.of(), StartupProbe.class.getName(), "master", dir))
            {
                assertEquals(3, second.awaitExit(30_000), second::output);
                assertTrue(second.output().contains("FAILED") &&
                    second.output().contains("io.clustr.ClustrException"), second::output);
                assertRefusal(second.output(), dir, first.pid());
            }
            assertJoinable(dir, first.pid());
        }
        finally
        {
            deleteQuietly(Path.of(dir));
        }
    }

    @Test
    void shouldRefuseASecondStandaloneDriverAndKeepTheFirstOnesDirectory() throws Exception
    {
        final String dir = "/dev/shm/clustr-test-standalone-twice-" + UUID.randomUUID();
        final List<String> jvmArgs = List.of("-Daeron.dir=" + dir);
        try (ChildJvm first = ChildJvm.start(true, Map.of(), jvmArgs, "io.clustr.driver.ClustrMediaDriver", "shared"))
        {
            assertTrue(first.awaitLine("clustr media driver running", 30_000).contains(dir));
            watcher.watch(dir);
            assertEquals("rwx------", mode(Path.of(dir)));
            assertEquals("rw-------", mode(Path.of(dir, "cnc.dat")));

            try (ChildJvm second = ChildJvm.start(
                true, Map.of(), jvmArgs, "io.clustr.driver.ClustrMediaDriver", "shared"))
            {
                assertEquals(1, second.awaitExit(30_000), second::output);
                final String output = second.output();
                assertTrue(output.contains("a media driver is running in " + dir), output);
                assertTrue(output.contains("pid " + first.pid()), output);
                assertTrue(output.contains("kill -TERM " + first.pid()), output);
                assertTrue(output.contains("not starting a second driver"), output);
            }

            final DriverDirectory.Status status = DriverDirectory.status(Path.of(dir));
            assertEquals(DriverDirectory.State.ACTIVE, status.state(), status.describe());
            assertEquals(first.pid(), status.driverPid());
            try (Master master = Master.create(Options.aeronDirectory(dir), Options.embeddedDriver(false)))
            {
                assertFalse(master.hasEmbeddedDriver());
            }

            first.process.destroy();
            first.awaitExit(20_000);
            assertFalse(Files.exists(Path.of(dir)), "the first driver deletes its own directory when it stops");
        }
        finally
        {
            deleteQuietly(Path.of(dir));
        }
    }

    @Test
    void shouldRefuseADirectoryThatIsNotADriversAndKeepWhatIsInIt() throws Exception
    {
        final Path dir = Path.of("/dev/shm", "clustr-test-notadriver-" + UUID.randomUUID());
        try
        {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("notes.txt"), "mine");
            final ClustrException ex = assertThrows(
                ClustrException.class, () -> Master.create(Options.aeronDirectory(dir.toString())));
            assertTrue(ex.getMessage().contains(dir + " exists and is not a media driver directory"),
                ex.getMessage());
            assertEquals("mine", Files.readString(dir.resolve("notes.txt")));
        }
        finally
        {
            deleteQuietly(dir);
        }
    }

    private static void assertRefusal(final String message, final String dir, final long pid)
    {
        assertTrue(message.contains("a media driver is running in " + dir), message);
        assertTrue(message.contains("pid " + pid), message);
        assertTrue(message.contains("Options.embeddedDriver(false)"), message);
    }

    private static void assertJoinable(final String dir, final long masterPid)
    {
        final DriverDirectory.Status status = DriverDirectory.status(Path.of(dir));
        assertEquals(DriverDirectory.State.ACTIVE, status.state(), status.describe());
        assertEquals(masterPid, status.driverPid());
        try (Worker worker = Worker.create(Options.group("ops"), Options.aeronDirectory(dir)))
        {
            assertEquals(masterPid, worker.masterPid(), "the first master's cluster goes on");
        }
    }

    private static List<Path> staleDirectories()
    {
        return DriverDirectories.findStale().stream().map(DriverDirectories.Stale::directory)
            .collect(Collectors.toList());
    }

    static String mode(final Path path) throws IOException
    {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    static void deleteQuietly(final Path path)
    {
        if (null != path)
        {
            IoUtil.delete(path.toFile(), true);
        }
    }
}
