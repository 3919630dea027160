package io.clustr.spawn;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A thread-safe sink of forwarded lines that tests can wait on.
 */
final class LineCapture extends OutputStream
{
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final List<String> lines = new ArrayList<>();
    private final PrintStream printStream = new PrintStream(this, true, StandardCharsets.UTF_8);

    PrintStream printStream()
    {
        return printStream;
    }

    @Override
    public synchronized void write(final int b)
    {
        if ('\n' == b)
        {
            lines.add(partial.toString(StandardCharsets.UTF_8));
            partial.reset();
            notifyAll();
        }
        else
        {
            partial.write(b);
        }
    }

    @Override
    public synchronized void write(final byte[] b, final int off, final int len)
    {
        for (int i = off; i < off + len; i++)
        {
            write(b[i]);
        }
    }

    synchronized List<String> lines()
    {
        return new ArrayList<>(lines);
    }

    synchronized int size()
    {
        return lines.size();
    }

    synchronized String await(final Predicate<String> predicate, final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            for (final String line : lines)
            {
                if (predicate.test(line))
                {
                    return line;
                }
            }

            final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            if (leftMs <= 0)
            {
                throw new AssertionError("no matching line within " + timeoutMs + " ms; lines: " + tail(lines, 20));
            }
            wait(leftMs);
        }
    }

    private static List<String> tail(final List<String> lines, final int n)
    {
        return new ArrayList<>(lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
