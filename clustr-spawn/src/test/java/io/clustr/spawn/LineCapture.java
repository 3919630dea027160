package io.clustr.spawn;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A thread-safe sink of forwarded lines that tests can wait on. {@link #lines()} are the lines without the
 * {@code HH:mm:ss.SSS } timestamp forwarding starts them with; {@link #rawLines()} as written.
 */
final class LineCapture extends OutputStream
{
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    static final Pattern TIMESTAMP = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d ");

    private final List<String> lines = new ArrayList<>();
    private final List<String> rawLines = new ArrayList<>();
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
            final String line = partial.toString(StandardCharsets.UTF_8);
            rawLines.add(line);
            lines.add(TIMESTAMP.matcher(line).replaceFirst(""));
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

    synchronized List<String> rawLines()
    {
        return new ArrayList<>(rawLines);
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
