package io.clustr.spawn;

import io.clustr.test.InterruptAfter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.respawn;
import static io.clustr.spawn.Spec.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@InterruptAfter(60)
class ClassDataArchiveSystemTest
{
    private static final long WAIT_MS = 30_000;

    private final AtomicLong ids = new AtomicLong(900);
    private final LineCapture out = new LineCapture();
    private final LineCapture err = new LineCapture();
    private final List<Supervisor> supervisors = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void tearDown()
    {
        for (final Supervisor supervisor : supervisors)
        {
            final List<ChildProcess> children = supervisor.children();
            supervisor.close();
            for (final ChildProcess child : children)
            {
                Processes.kill(child.pid());
            }
        }
    }

    private Supervisor launch(final boolean cds)
    {
        final Supervisor supervisor = Supervisor.launch(new Supervisor.Context()
            .idSupplier(ids::incrementAndGet)
            .out(out.printStream())
            .err(err.printStream())
            .classDataArchive(cds)
            .classDataArchiveDir(dir)
            .stopGrace(Duration.ofSeconds(2)));
        supervisors.add(supervisor);

        return supervisor;
    }

    private Path archive()
    {
        return new ClassDataArchive(
            true, dir, System.getProperty("java.home"), System.getProperty("java.class.path")).archive();
    }

    private ChildProcess spawnSleeper(final Supervisor supervisor, final long ms) throws Exception
    {
        final ChildProcess child = supervisor.spawn(List.of(spec(
            TestChild.class.getName(), args("sleep", Long.toString(ms)), respawn(RespawnPolicy.never())))).get(0);
        out.await((line) -> line.equals("[" + child.label() + "] ready"), WAIT_MS);

        return child;
    }

    private static String maps(final long pid) throws Exception
    {
        return Files.readString(Path.of("/proc", Long.toString(pid), "maps"), StandardCharsets.UTF_8);
    }

    @Test
    void shouldMakeArchiveFromFirstChildAndMapItInLaterChildren() throws Exception
    {
        final Supervisor supervisor = launch(true);
        final ChildProcess trainer = spawnSleeper(supervisor, 100);
        assertTrue(Processes.cmdline(trainer.pid()).contains("-XX:DumpLoadedClassList=" + dir),
            Processes.cmdline(trainer.pid()));
        assertEquals(0, trainer.onExit().get(WAIT_MS, TimeUnit.MILLISECONDS).code());

        final Path archive = archive();
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!Files.exists(archive))
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, "no archive within " + WAIT_MS + " ms: " +
                String.join(", ", listing()));
            Thread.sleep(50);
        }

        final ChildProcess user = spawnSleeper(supervisor, 60_000);
        assertTrue(Processes.cmdline(user.pid()).contains("-XX:SharedArchiveFile=" + archive));
        assertTrue(maps(user.pid()).contains(archive.toString()), "the child maps the archive");
        assertEquals(List.of(archive.getFileName().toString()), listing(), "no leftovers in " + dir);
    }

    @Test
    void shouldStartChildrenWhenArchiveIsUnusable() throws Exception
    {
        Files.createDirectories(dir);
        Files.writeString(archive(), "not an archive");
        final Supervisor supervisor = launch(true);

        final ChildProcess child = spawnSleeper(supervisor, 60_000);
        assertTrue(Processes.cmdline(child.pid()).contains("-XX:SharedArchiveFile=" + archive()));
        assertFalse(maps(child.pid()).contains(archive().toString()), "the JVM ignored it and started anyway");
    }

    @Test
    void shouldGiveNoArchiveFlagsWhenDisabled() throws Exception
    {
        final ChildProcess child = spawnSleeper(launch(false), 60_000);

        final String cmdline = Processes.cmdline(child.pid());
        assertFalse(cmdline.contains("SharedArchiveFile") || cmdline.contains("DumpLoadedClassList"), cmdline);
    }

    private List<String> listing() throws Exception
    {
        final List<String> names = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.list(dir))
        {
            files.forEach((file) -> names.add(file.getFileName().toString()));
        }

        return names;
    }
}
