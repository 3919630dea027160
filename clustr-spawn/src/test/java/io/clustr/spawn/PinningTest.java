package io.clustr.spawn;

import org.junit.jupiter.api.Test;

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
    void shouldRunUnpinnedWithoutThrowingWhenCpuCannotBeHad()
    {
        try (Pinning.PinnedThread pinned = Pinning.pinCurrentThread(CpuSet.MAX_CPU_ID))
        {
            assertEquals(-1, pinned.cpuId());
        }
    }
}
