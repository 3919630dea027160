package io.clustr.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A process the orchestrator started: its merged stdout/stderr is drained on a thread, {@code BENCH} lines are
 * kept for {@link #awaitLine(String, long)}, everything is written to a log file, and the last lines are kept for
 * error messages. {@link #close()} ends it and all its descendants.
 */
public final class ChildProcess implements AutoCloseable
{
    private static final String BENCH_MARKER = "BENCH ";
    private static final int TAIL_LINES = 40;
    private static final long STOP_GRACE_MS = 5000;
    private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();

    private final String name;
    private final Process process;
    private final Thread reader;
    private final List<String> benchLines = new ArrayList<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private int cursor;

    private ChildProcess(final String name, final Process process, final Path logFile)
    {
        this.name = name;
        this.process = process;
        this.reader = new Thread(() -> drain(logFile), "drain-" + name);
        this.reader.setDaemon(true);
        this.reader.start();
        LIVE.add(this);
    }

    /**
     * Close every child still running: for the orchestrator's shutdown hook.
     */
    public static void closeAll()
    {
        for (final ChildProcess child : LIVE)
        {
            child.close();
        }
    }

    /**
     * Start a process.
     *
     * @param name    for logs and errors.
     * @param command the command line.
     * @param env     extra environment variables.
     * @param logDir  where {@code <name>.log} is written.
     * @return the running process.
     */
    public static ChildProcess start(
        final String name, final List<String> command, final Map<String, String> env, final Path logDir)
    {
        try
        {
            final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            final Path logFile = logDir.resolve(name + ".log");
            Files.createDirectories(logDir);
            Files.writeString(logFile, String.join(" ", command) + System.lineSeparator());
            return new ChildProcess(name, builder.start(), logFile);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start " + name, ex);
        }
    }

    /**
     * Name given at start.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Process id.
     *
     * @return the pid.
     */
    public long pid()
    {
        return process.pid();
    }

    /**
     * Wait for the next {@code BENCH} line (after the ones already taken) that starts with {@code prefix}; other
     * {@code BENCH} lines before it are skipped.
     *
     * @param prefix    e.g. {@code "BENCH bench=throughput"}.
     * @param timeoutMs how long to wait.
     * @return the line.
     * @throws IllegalStateException on timeout or if the process exits first, with the end of its output.
     */
    public String awaitLine(final String prefix, final long timeoutMs)
    {
        final long deadlineMs = System.currentTimeMillis() + timeoutMs;
        synchronized (benchLines)
        {
            while (true)
            {
                while (cursor < benchLines.size())
                {
                    final String line = benchLines.get(cursor++);
                    if (line.startsWith(prefix))
                    {
                        return line;
                    }
                }

                final long remainingMs = deadlineMs - System.currentTimeMillis();
                if (remainingMs <= 0)
                {
                    throw failure("no '" + prefix + "' within " + timeoutMs + " ms");
                }

                if (!reader.isAlive())
                {
                    throw failure("exited (" + exitCode() + ") before '" + prefix + "'");
                }

                try
                {
                    benchLines.wait(Math.min(remainingMs, 100));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw failure("interrupted waiting for '" + prefix + "'");
                }
            }
        }
    }

    /**
     * Wait for the process to exit by itself.
     *
     * @param timeoutMs how long to wait.
     * @return its exit code.
     * @throws IllegalStateException if it is still running after the timeout.
     */
    public int awaitExit(final long timeoutMs)
    {
        try
        {
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
            {
                throw failure("still running after " + timeoutMs + " ms");
            }

            reader.join(1000);
            return process.exitValue();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw failure("interrupted waiting for exit");
        }
    }

    /**
     * Whether the process is still running.
     *
     * @return true while alive.
     */
    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * Ask the process and its descendants to stop (SIGTERM), then force them after a grace period.
     */
    public void close()
    {
        LIVE.remove(this);
        final List<ProcessHandle> all = new ArrayList<>();
        process.toHandle().descendants().forEach(all::add);
        all.add(process.toHandle());
        for (final ProcessHandle handle : all)
        {
            handle.destroy();
        }

        final long deadlineMs = System.currentTimeMillis() + STOP_GRACE_MS;
        for (final ProcessHandle handle : all)
        {
            try
            {
                handle.onExit().get(Math.max(1, deadlineMs - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            }
            catch (final Exception ex)
            {
                handle.destroyForcibly();
            }
        }

        try
        {
            reader.join(1000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private String exitCode()
    {
        return process.isAlive() ? "still running" : "exit " + process.exitValue();
    }

    private IllegalStateException failure(final String what)
    {
        final StringBuilder message = new StringBuilder(name).append(": ").append(what).append("; last output:");
        synchronized (tail)
        {
            for (final String line : tail)
            {
                message.append(System.lineSeparator()).append("    ").append(line);
            }
        }

        return new IllegalStateException(message.toString());
    }

    private void drain(final Path logFile)
    {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            BufferedWriter log = Files.newBufferedWriter(
                logFile, StandardCharsets.UTF_8, StandardOpenOption.APPEND))
        {
            String line;
            while (null != (line = in.readLine()))
            {
                log.write(line);
                log.newLine();
                log.flush();

                synchronized (tail)
                {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES)
                    {
                        tail.removeFirst();
                    }
                }

                final int marker = line.indexOf(BENCH_MARKER);
                if (marker >= 0)
                {
                    synchronized (benchLines)
                    {
                        benchLines.add(line.substring(marker).trim());
                        benchLines.notifyAll();
                    }
                }
            }
        }
        catch (final IOException ignore)
        {
            // process gone
        }
        finally
        {
            synchronized (benchLines)
            {
                benchLines.notifyAll();
            }
        }
    }
}
