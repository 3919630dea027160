package io.clustr.spawn;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExitStatusTest
{
    @Test
    void shouldDescribeExitCode()
    {
        final ExitStatus status = ExitStatus.fromExitValue(3, false, List.of());

        assertEquals(3, status.code());
        assertEquals(0, status.signal());
        assertFalse(status.isSuccess());
        assertEquals("exit code 3", status.reason());
        assertEquals("exit code 3", status.toString());
    }

    @Test
    void shouldReadSignalFromCodeAbove128()
    {
        final ExitStatus killed = ExitStatus.fromExitValue(137, false, List.of());
        assertEquals(9, killed.signal());
        assertEquals("killed by signal 9 (SIGKILL)", killed.reason());

        assertEquals(15, ExitStatus.fromExitValue(143, false, List.of()).signal());
        assertEquals(64, ExitStatus.fromExitValue(192, false, List.of()).signal());
        assertEquals(0, ExitStatus.fromExitValue(128, false, List.of()).signal());
        assertEquals(0, ExitStatus.fromExitValue(193, false, List.of()).signal());
    }

    @Test
    void shouldNotReadSignalWhenChildExitedByItself()
    {
        final ExitStatus status = ExitStatus.fromExitValue(137, true, List.of());

        assertEquals(0, status.signal());
        assertEquals("exit code 137", status.reason());
    }

    @Test
    void shouldCarryLastStderrLinesOnFailure()
    {
        final ExitStatus status = ExitStatus.fromExitValue(
            1,
            false,
            List.of(
                "Error: Could not find or load main class x.Y",
                "Caused by: java.lang.ClassNotFoundException: x.Y"));

        assertEquals(
            "exit code 1: Error: Could not find or load main class x.Y | " +
            "Caused by: java.lang.ClassNotFoundException: x.Y",
            status.reason());
        assertEquals(2, status.lastErrorLines().size());
    }

    @Test
    void shouldNotCarryStderrOnSuccess()
    {
        assertEquals("exit code 0", ExitStatus.fromExitValue(0, false, List.of("warning: x")).reason());
        assertTrue(ExitStatus.fromExitValue(0, false, List.of()).isSuccess());
    }

    @Test
    void shouldNameSignals()
    {
        assertEquals("SIGHUP", ExitStatus.signalName(1));
        assertEquals("SIGTERM", ExitStatus.signalName(15));
        assertEquals("SIGSYS", ExitStatus.signalName(31));
        assertEquals("SIGRTMIN", ExitStatus.signalName(34));
        assertEquals("SIGRTMIN+2", ExitStatus.signalName(36));
        assertEquals("signal 0", ExitStatus.signalName(0));
        assertEquals("signal 32", ExitStatus.signalName(32));
    }

    @Test
    void shouldMakeExplicitStatus()
    {
        final ExitStatus status = ExitStatus.of(143, 15, List.of());

        assertEquals("killed by signal 15 (SIGTERM)", status.reason());
        assertEquals(status, ExitStatus.fromExitValue(143, false, List.of()));
        assertThrows(IllegalArgumentException.class, () -> ExitStatus.of(1, 65, List.of()));
        assertThrows(IllegalArgumentException.class, () -> ExitStatus.of(1, 0, null));
    }
}
