package io.clustr.spawn;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the last lines of a log file, for the reason of a child whose stderr went to a file.
 */
final class Tail
{
    private static final int MAX_BYTES = 8 * 1024;

    private Tail()
    {
    }

    static List<String> lastLines(final Path file, final int maxLines)
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r"))
        {
            final long length = raf.length();
            final int toRead = (int)Math.min(length, MAX_BYTES);
            final byte[] bytes = new byte[toRead];
            raf.seek(length - toRead);
            raf.readFully(bytes);

            final String text = new String(bytes, Charset.defaultCharset());
            final String[] lines = text.split("\r?\n");
            final List<String> result = new ArrayList<>();
            final int first = toRead < length ? 1 : 0;
            for (int i = lines.length - 1; i >= first && result.size() < maxLines; i--)
            {
                if (!lines[i].isBlank())
                {
                    result.add(0, lines[i]);
                }
            }

            return result;
        }
        catch (final IOException ex)
        {
            return List.of();
        }
    }
}
