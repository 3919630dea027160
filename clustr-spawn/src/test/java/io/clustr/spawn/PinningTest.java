package io.clustr.spawn;

import net.openhft.affinity.Affinity;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PinningTest
{
    @Test
    void shouldRejectNegativeCpu()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Pinning.pinCurrentThread(-1));

        assertTrue(ex.getMessage().startsWith("cpu -1 "), ex.getMessage());
    }

    @Test
    void shouldBeSupportedOnLinux()
    {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"));

        assertTrue(Pinning.isSupported());
    }

    @Test
    void shouldCountAThreadAlreadyRestrictedToTheCpuAsPinnedWithoutALockCpuZeroIncluded()
    {
        assumeTrue(Pinning.isSupported());
        final BitSet before = Affinity.getAffinity();
        final int cpu = before.nextSetBit(0);
        try
        {
            final BitSet only = new BitSet();
            only.set(cpu);
            Affinity.setAffinity(only); // as taskset -c <cpu> does for a whole process
            try (Pinning.PinnedThread pinned = Pinning.pinCurrentThread(cpu))
            {
                assertEquals(cpu, pinned.cpuId(), "restricted to cpu " + cpu + " is pinned to it");
            }
            assertEquals(only, Affinity.getAffinity(), "closing a restriction it did not make changes nothing");
        }
        finally
        {
            Affinity.setAffinity(before);
        }
    }

    @Test
    void shouldLeavePinningNotesOutOfExitReasons()
    {
        final ExitStatus status = ExitStatus.of(1, 0, List.of(
            "Dec 02, 2026 7:00:00 AM io.clustr.spawn.Pinning pinCurrentThread",
            "INFO: clustr: pinning: cpu 0 was not locked for this thread: it is not one Java-Thread-Affinity may lock",
            "Exception in thread \"main\" java.lang.IllegalStateException: boom"));
        assertEquals("exit code 1: Exception in thread \"main\" java.lang.IllegalStateException: boom",
            status.reason());
        assertEquals("exit code 1", ExitStatus.of(1, 0, List.of(
            "INFO: clustr: pinning: thread affinity is not supported on this platform (x): threads run on ..."))
            .reason());
    }

    @Test
    void shouldRunUnpinnedWithoutThrowingWhenCpuCannotBeHad()
    {
        try (Pinning.PinnedThread pinned = Pinning.pinCurrentThread(CpuSet.MAX_CPU_ID))
        {
            assertEquals(-1, pinned.cpuId());
        }
    }
}
