package io.clustr.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The output of one bench child, as clustr-spawn forwards it: every line goes to {@code <logDir>/<id>-<name>.log},
 * the {@code BENCH} lines are kept for {@link BenchChild#awaitLine(String, long)}, and the last lines are kept for
 * error messages. Lines may arrive before the spawn call has returned, so a log exists per child id, not per
 * handle. Thread safe: the forwarding threads write, the orchestrator reads.
 */
final class ChildLog
{
    private static final String BENCH_MARKER = "BENCH ";
    private static final int TAIL_LINES = 40;

    private final BufferedWriter writer;
    private final List<String> benchLines = new ArrayList<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private int cursor;
    private boolean commandLogged;
    private boolean closed;

    ChildLog(final Path logDir, final long id, final String name)
    {
        try
        {
            Files.createDirectories(logDir);
            writer = Files.newBufferedWriter(
                logDir.resolve(String.format("%03d-%s.log", id, name)), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the log of " + name + " in " + logDir, ex);
        }
    }

    /**
     * A note of the orchestrator's own in the log, such as the spec the child was spawned from.
     *
     * @param note the note, written after {@code "# "}.
     */
    synchronized void note(final String note)
    {
        write("# " + note);
    }

    /**
     * One line the child wrote. The first one also logs the child's command line, read from {@code /proc} (by then
     * the child has exec'd past clustr-spawn's wrappers).
     *
     * @param text   the line, without clustr-spawn's prefix.
     * @param stderr whether it came from the child's stderr (logged after {@code "err| "}).
     * @param pid    the child's pid.
     */
    synchronized void line(final String text, final boolean stderr, final long pid)
    {
        if (!commandLogged)
        {
            commandLogged = true;
            ProcessHandle.of(pid).flatMap((handle) -> handle.info().commandLine()).ifPresent(
                (command) -> write("# command: " + command));
        }

        write(stderr ? "err| " + text : text);
        tail.addLast(text);
        if (tail.size() > TAIL_LINES)
        {
            tail.removeFirst();
        }

        final int marker = text.indexOf(BENCH_MARKER);
        if (marker >= 0)
        {
            benchLines.add(text.substring(marker).trim());
            notifyAll();
        }
    }

    /**
     * Take the next {@code BENCH} line that starts with {@code prefix}; the other {@code BENCH} lines before it are
     * taken too (skipped).
     *
     * @param prefix e.g. {@code "BENCH bench=throughput"}.
     * @return the line, or null when none has arrived yet.
     */
    synchronized String takeBenchLine(final String prefix)
    {
        while (cursor < benchLines.size())
        {
            final String line = benchLines.get(cursor++);
            if (line.startsWith(prefix))
            {
                return line;
            }
        }

        return null;
    }

    /**
     * Wait until a {@code BENCH} line arrives or the time is up.
     *
     * @param timeoutMs at most this long, more than 0.
     * @throws InterruptedException if interrupted.
     */
    synchronized void awaitBenchLine(final long timeoutMs) throws InterruptedException
    {
        if (cursor == benchLines.size())
        {
            wait(timeoutMs);
        }
    }

    /**
     * The last lines, for an error message.
     *
     * @return the lines, each on its own indented line.
     */
    synchronized String tail()
    {
        final StringBuilder text = new StringBuilder();
        for (final String line : tail)
        {
            text.append(System.lineSeparator()).append("    ").append(line);
        }

        return text.toString();
    }

    /**
     * Close the log file; lines arriving later are kept in memory only.
     */
    synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            try
            {
                writer.close();
            }
            catch (final IOException ignore)
            {
                // a log that cannot be closed has nothing more to lose
            }
        }
    }

    private void write(final String line)
    {
        if (closed)
        {
            return;
        }

        try
        {
            writer.write(line);
            writer.newLine();
            writer.flush();
        }
        catch (final IOException ex)
        {
            closed = true;
            System.err.println("# cannot write a child log: " + ex);
        }
    }
}
