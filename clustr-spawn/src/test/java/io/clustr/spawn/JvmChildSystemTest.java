package io.clustr.spawn;

import io.clustr.test.InterruptAfter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.cpu;
import static io.clustr.spawn.SpawnOption.jvmArgs;
import static io.clustr.spawn.SpawnOption.respawn;
import static io.clustr.spawn.Spec.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@InterruptAfter(30)
class JvmChildSystemTest
{
    private static final long WAIT_MS = 20_000;

    private final AtomicLong ids = new AtomicLong(500);
    private final LineCapture out = new LineCapture();
    private final LineCapture err = new LineCapture();
    private Supervisor supervisor;

    @BeforeEach
    void setUp()
    {
        supervisor = Supervisor.launch(new Supervisor.Context()
            .idSupplier(ids::incrementAndGet)
            .out(out.printStream())
            .err(err.printStream())
            .stopGrace(Duration.ofSeconds(2)));
    }

    @AfterEach
    void tearDown()
    {
        final List<ChildProcess> children = supervisor.children();
        supervisor.close();
        for (final ChildProcess child : children)
        {
            Processes.kill(child.pid());
        }
    }

    @Test
    void shouldRunJvmChildWithDefaultJvmArgsAndReportItsExitCode() throws Exception
    {
        final ChildProcess child = supervisor.spawn(List.of(spec(
            TestChild.class.getName(), args("exit", "3"), jvmArgs("-Xmx8m"), respawn(RespawnPolicy.never()))))
            .get(0);
        final ExitStatus status = child.onExit().get(WAIT_MS, TimeUnit.MILLISECONDS);

        assertEquals(3, status.code());
        assertEquals(0, status.signal());
        final String prefix = "[TestChild#" + child.id() + " " + child.pid() + "] ";
        final String jvmArgsLine = out.await((line) -> line.startsWith(prefix + "jvmArgs "), WAIT_MS);
        for (final String arg : Supervisor.Configuration.DEFAULT_JVM_ARGS)
        {
            assertEquals(!"-Xms16m".equals(arg), jvmArgsLine.contains(arg), arg + " in " + jvmArgsLine);
        }
        assertTrue(jvmArgsLine.indexOf("-Xmx8m") > jvmArgsLine.indexOf("-XX:+UseSerialGC"), jvmArgsLine);
        assertFalse(jvmArgsLine.contains("affinity.reserved"), jvmArgsLine);
        assertEquals(prefix + "env " + child.id() + " TestChild 0",
            out.await((line) -> line.startsWith(prefix + "env "), WAIT_MS));
    }

    @Test
    void shouldReportMissingMainClassInExitReason() throws Exception
    {
        final ChildProcess child = supervisor.spawn(List.of(
            spec("io.clustr.spawn.NoSuchMain", respawn(RespawnPolicy.never())))).get(0);
        final ExitStatus status = child.onExit().get(WAIT_MS, TimeUnit.MILLISECONDS);

        assertEquals(1, status.code());
        assertTrue(
            status.reason().contains("Could not find or load main class io.clustr.spawn.NoSuchMain"), status.reason());
        assertTrue(status.reason().startsWith("exit code 1: "), status.reason());
    }

    @Test
    void shouldPinEveryThreadOfPinnedChild(@TempDir final Path lockDir) throws Exception
    {
        final CpuSet allowed = CpuSet.allowed();
        assumeTrue(allowed.size() > 1 && allowed.contains(1), "needs CPU 1 and another one, have " + allowed);

        final ChildProcess child = supervisor.spawn(List.of(spec(
            TestChild.class.getName(),
            cpu(1),
            args("pin", "1"),
            jvmArgs("-Djava.io.tmpdir=" + lockDir)))).get(0);
        final String prefix = "[TestChild#" + child.id() + " " + child.pid() + "] ";
        final String pinned = out.await((line) -> line.startsWith(prefix + "pinned "), WAIT_MS);

        final String cmdline = Processes.cmdline(child.pid());
        assertTrue(cmdline.contains(" -Xms16m -XX:-UsePerfData -Daffinity.reserved=2 -Djava.io.tmpdir="), cmdline);
        final List<String> threads = Processes.threadCpus(child.pid());
        assertTrue(threads.size() > 5, threads.toString());
        for (final String thread : threads)
        {
            assertTrue(thread.endsWith(":1"), "every thread on CPU 1: " + threads);
        }

        assertEquals(prefix + "pinned 1 cpus 1 supported true", pinned, "the duty-cycle thread locks CPU 1");
    }
}
