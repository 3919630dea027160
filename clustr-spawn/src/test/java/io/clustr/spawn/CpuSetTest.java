package io.clustr.spawn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuSetTest
{
    @Test
    void shouldParseKernelListFormat()
    {
        final CpuSet set = CpuSet.parse("0-2,4");

        assertArrayEquals(new int[]{ 0, 1, 2, 4 }, set.toArray());
        assertEquals(4, set.size());
        assertEquals(0, set.first());
        assertTrue(set.contains(4));
        assertFalse(set.contains(3));
        assertFalse(set.contains(-1));
    }

    @Test
    void shouldParseWithBlanksDuplicatesAndAnyOrder()
    {
        assertEquals(CpuSet.of(1, 3, 5), CpuSet.parse(" 5, 3 ,1,3 \n"));
        assertEquals(CpuSet.of(7), CpuSet.parse("7-7"));
    }

    @Test
    void shouldParseBlankAsEmpty()
    {
        assertSame(CpuSet.EMPTY, CpuSet.parse(""));
        assertSame(CpuSet.EMPTY, CpuSet.parse("  "));
        assertSame(CpuSet.EMPTY, CpuSet.of());
        assertTrue(CpuSet.EMPTY.isEmpty());
        assertEquals(-1, CpuSet.EMPTY.first());
    }

    @Test
    void shouldFoldRangesWhenFormatting()
    {
        assertEquals("1-2,4", CpuSet.of(4, 2, 1).toList());
        assertEquals("0,2,4-7,9", CpuSet.of(0, 2, 4, 5, 6, 7, 9).toList());
        assertEquals("3", CpuSet.of(3).toList());
        assertEquals("", CpuSet.EMPTY.toList());
        assertEquals("1-2,4", CpuSet.of(1, 2, 4).toString());
    }

    @Test
    void shouldRoundTripListFormat()
    {
        for (final String list : new String[]{ "0", "0-1", "1,3,5-8,63-65,1000" })
        {
            assertEquals(list, CpuSet.parse(list).toList());
        }
    }

    @Test
    void shouldFormatHexMaskForAffinityReserved()
    {
        assertEquals("2", CpuSet.of(1).toHexMask());
        assertEquals("f", CpuSet.parse("0-3").toHexMask());
        assertEquals("16", CpuSet.of(1, 2, 4).toHexMask());
        assertEquals("0", CpuSet.EMPTY.toHexMask());
        assertEquals("8000000000000000", CpuSet.of(63).toHexMask());
        assertEquals("10000000000000001", CpuSet.of(0, 64).toHexMask());
        assertEquals(2L, Long.parseLong(CpuSet.of(1).toHexMask(), 16));
    }

    @Test
    void shouldRejectBadListWithClearMessage()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> CpuSet.parse("0-x"));
        assertTrue(ex.getMessage().contains("'0-x'"), ex.getMessage());
        assertTrue(ex.getMessage().contains("not a CPU id or a range"), ex.getMessage());

        assertThrows(IllegalArgumentException.class, () -> CpuSet.parse("1,,2"));
        assertThrows(IllegalArgumentException.class, () -> CpuSet.parse("-1"));
        assertThrows(IllegalArgumentException.class, () -> CpuSet.parse(null));

        final IllegalArgumentException backwards =
            assertThrows(IllegalArgumentException.class, () -> CpuSet.parse("3-1"));
        assertTrue(backwards.getMessage().contains("backwards"), backwards.getMessage());
    }

    @Test
    void shouldRejectNegativeAndHugeIds()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> CpuSet.of(2, -1));
        assertTrue(ex.getMessage().startsWith("cpu -1 "), ex.getMessage());

        assertThrows(IllegalArgumentException.class, () -> CpuSet.of(CpuSet.MAX_CPU_ID + 1));
        assertThrows(IllegalArgumentException.class, () -> CpuSet.of((int[])null));
    }

    @Test
    void shouldCompareSets()
    {
        final CpuSet all = CpuSet.parse("0-3");

        assertTrue(all.containsAll(CpuSet.of(1, 3)));
        assertTrue(all.containsAll(CpuSet.EMPTY));
        assertFalse(all.containsAll(CpuSet.of(3, 7)));
        assertEquals(CpuSet.of(7, 9), all.missingFrom(CpuSet.of(1, 7, 9)));
        assertSame(CpuSet.EMPTY, all.missingFrom(CpuSet.of(2)));
        assertEquals(CpuSet.of(1, 2).hashCode(), CpuSet.parse("1-2").hashCode());
        assertNotEquals(CpuSet.of(1), CpuSet.of(2));
    }

    @Test
    void shouldCopyArrays()
    {
        final CpuSet set = CpuSet.of(1, 2);
        set.toArray()[0] = 42;

        assertArrayEquals(new int[]{ 1, 2 }, set.toArray());
    }

    @Test
    void shouldKnowAllowedCpus()
    {
        final CpuSet allowed = CpuSet.allowed();

        assertFalse(allowed.isEmpty());
        assertTrue(allowed.first() >= 0);
    }
}
