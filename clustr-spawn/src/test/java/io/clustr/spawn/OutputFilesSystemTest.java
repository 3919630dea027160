package io.clustr.spawn;

import io.clustr.test.InterruptAfter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.command;
import static io.clustr.spawn.SpawnOption.output;
import static io.clustr.spawn.SpawnOption.respawn;
import static io.clustr.spawn.Spec.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Child output through real processes: timestamps on forwarded lines, and {@link Output#toFiles(Path, long, int)}.
 */
@InterruptAfter(60)
class OutputFilesSystemTest
{
    private static final long WAIT_MS = 20_000;
    private static final Pattern ISO = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ");

    private final AtomicLong ids = new AtomicLong(500);
    private final LineCapture out = new LineCapture();
    private final LineCapture err = new LineCapture();
    private final List<ChildProcess> children = new ArrayList<>();
    private final Supervisor supervisor = Supervisor.launch(new Supervisor.Context()
        .idSupplier(ids::incrementAndGet)
        .out(out.printStream())
        .err(err.printStream()));

    @AfterEach
    void tearDown()
    {
        supervisor.close();
        for (final ChildProcess child : children)
        {
            Processes.kill(child.pid());
        }
    }

    private ChildProcess spawnOne(final Spec spec)
    {
        final ChildProcess child = supervisor.spawn(List.of(spec)).get(0);
        children.add(child);

        return child;
    }

    @Test
    void shouldStampForwardedLinesWithTheirTime() throws Exception
    {
        final ChildProcess child = spawnOne(spec("talker",
            command("bash", "-c", "echo hello; echo oops >&2; exit 2"), respawn(RespawnPolicy.never())));
        final ExitStatus status = child.onExit().get(WAIT_MS, TimeUnit.MILLISECONDS);

        final String prefix = "[talker#" + child.id() + " " + child.pid() + "] ";
        final String line = out.rawLines().get(0);
        assertTrue(LineCapture.TIMESTAMP.matcher(line).find() && line.endsWith(prefix + "hello"), line);
        assertTrue(err.rawLines().get(0).endsWith(prefix + "oops"), err.rawLines()::toString);
        assertEquals("exit code 2: oops", status.reason());
    }

    @Test
    void shouldForwardWithoutTimestampsWhenTurnedOff() throws Exception
    {
        final ChildProcess child = spawnOne(spec("plain", command("bash", "-c", "echo hello"),
            output(Output.forward().withTimestamps(false)), respawn(RespawnPolicy.never())));
        child.onExit().get(WAIT_MS, TimeUnit.MILLISECONDS);

        assertEquals(List.of("[plain#" + child.id() + " " + child.pid() + "] hello"), out.rawLines());
    }

    @Test
    void shouldRotateFilesOfAChildThatWritesMoreThanTheCap(@TempDir final Path dir) throws Exception
    {
        final long cap = 16 * 1024;
        final int keep = 2;
        final Path logs = dir.resolve("logs");
        // 20,000 numbered lines (about 700 KB with timestamps) on stdout, then the error that ends it on stderr
        final ChildProcess child = spawnOne(spec("chatty", command("bash", "-c",
            "for i in $(seq 1 20000); do echo \"line $i\"; done; echo 'error: config file missing' >&2; exit 3"),
            output(Output.toFiles(logs, cap, keep)), respawn(RespawnPolicy.never())));
        final ExitStatus status = child.onExit().get(WAIT_MS, TimeUnit.MILLISECONDS);

        assertEquals(3, status.code());
        assertEquals("exit code 3: error: config file missing", status.reason());
        assertEquals(0, out.size(), "nothing forwarded");

        final String base = "chatty-" + child.id();
        final Path current = logs.resolve(base + ".out.log");
        final List<Path> files = List.of(
            logs.resolve(base + ".out.log.2"), logs.resolve(base + ".out.log.1"), current);
        long total = 0;
        int previous = -1;
        for (final Path file : files)
        {
            final long size = Files.size(file);
            assertTrue(size <= cap, file + " has " + size + " bytes");
            total += size;
            for (final String line : Files.readAllLines(file))
            {
                assertTrue(ISO.matcher(line).find(), line);
                final int n = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1));
                assertTrue(-1 == previous || n == previous + 1, "line " + n + " after " + previous + " in " + file);
                previous = n;
            }
        }
        assertEquals(20000, previous, "the last line is in " + current);
        assertTrue(total <= (keep + 1) * cap, "total " + total);
        assertFalse(Files.exists(logs.resolve(base + ".out.log.3")));

        final List<String> errLines = Files.readAllLines(logs.resolve(base + ".err.log"));
        assertEquals(1, errLines.size(), errLines::toString);
        assertTrue(errLines.get(0).endsWith(" error: config file missing"), errLines::toString);
    }

    @Test
    void shouldKeepTheExitReasonOfAJvmChildWritingToFiles(@TempDir final Path dir) throws Exception
    {
        final ChildProcess child = spawnOne(spec(TestChild.class.getName(), args("nonsense"),
            output(Output.toFiles(dir, 4096, 1)), respawn(RespawnPolicy.never())));
        final ExitStatus status = child.onExit().get(WAIT_MS, TimeUnit.MILLISECONDS);

        assertEquals(2, status.code());
        assertTrue(status.reason().endsWith("unknown mode nonsense"), status.reason());
        final List<String> lines = Files.readAllLines(dir.resolve("TestChild-" + child.id() + ".err.log"));
        assertTrue(lines.get(lines.size() - 1).endsWith(" unknown mode nonsense"), lines::toString);
    }
}
