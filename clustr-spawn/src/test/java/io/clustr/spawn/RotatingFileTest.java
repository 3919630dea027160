package io.clustr.spawn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(10)
class RotatingFileTest
{
    private static void write(final RotatingFile file, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        file.line(bytes, bytes.length);
    }

    @Test
    void shouldRotateAtTheCapAndKeepTheNewestFiles(@TempDir final Path dir) throws Exception
    {
        final Path path = dir.resolve("w-1.out.log");
        final RotatingFile file = new RotatingFile(path, "w#1 42 stdout", 1024, 2, false);
        for (int i = 0; i < 1000; i++)
        {
            write(file, String.format("line %04d", i)); // 10 bytes with the newline: 102 lines a file
            if (0 == i % 7)
            {
                file.flush();
            }
        }
        file.close();

        assertTrue(Files.exists(path.resolveSibling("w-1.out.log.1")));
        assertTrue(Files.exists(path.resolveSibling("w-1.out.log.2")));
        assertFalse(Files.exists(path.resolveSibling("w-1.out.log.3")));
        final List<String> newest = Files.readAllLines(path);
        final List<String> previous = Files.readAllLines(path.resolveSibling("w-1.out.log.1"));
        final List<String> oldest = Files.readAllLines(path.resolveSibling("w-1.out.log.2"));
        assertEquals("line 0999", newest.get(newest.size() - 1));
        assertEquals(102, previous.size());
        assertEquals(102, oldest.size());
        for (final Path p : List.of(path, path.resolveSibling("w-1.out.log.1"), path.resolveSibling("w-1.out.log.2")))
        {
            assertTrue(Files.size(p) <= 1024, p + ": " + Files.size(p));
        }

        // contiguous: nothing lost at a rotation
        final int firstNewest = Integer.parseInt(newest.get(0).substring(5));
        assertEquals(firstNewest - 1, Integer.parseInt(previous.get(previous.size() - 1).substring(5)));
        assertEquals(firstNewest - 103, Integer.parseInt(oldest.get(oldest.size() - 1).substring(5)));
        assertEquals(0, file.droppedLines());
    }

    @Test
    void shouldStartAfreshWithKeepZero(@TempDir final Path dir) throws Exception
    {
        final Path path = dir.resolve("w-1.err.log");
        final RotatingFile file = new RotatingFile(path, "w#1 42 stderr", 1024, 0, false);
        for (int i = 0; i < 300; i++)
        {
            write(file, String.format("line %04d", i));
        }
        file.close();

        try (var files = Files.list(dir))
        {
            assertEquals(List.of(path), files.toList());
        }
        final List<String> lines = Files.readAllLines(path);
        assertEquals("line 0299", lines.get(lines.size() - 1));
        assertTrue(Files.size(path) <= 1024);
    }

    @Test
    void shouldStampEachLineWithItsDateAndTime(@TempDir final Path dir) throws Exception
    {
        final Path path = dir.resolve("w-1.out.log");
        final RotatingFile file = new RotatingFile(path, "w#1 42 stdout", 4096, 1, true);
        write(file, "hello");
        file.close();

        final String line = Files.readAllLines(path).get(0);
        assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} hello"), line);
    }

    @Test
    void shouldCountAndDropLinesItCannotWrite(@TempDir final Path dir) throws Exception
    {
        final Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "needs /dev/full");
        final Path path = dir.resolve("w-1.out.log");
        Files.createSymbolicLink(path, full);

        final RotatingFile file = new RotatingFile(path, "w#1 42 stdout", 1024, 1, false);
        for (int i = 0; i < 10; i++)
        {
            write(file, "line " + i);
            file.flush();
        }
        write(file, "a last line, never flushed by a read");
        file.close();

        assertEquals(11, file.droppedLines());
    }
}
