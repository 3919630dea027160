package io.clustr.spawn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Looks at processes through /proc, for the system tests.
 */
final class Processes
{
    private Processes()
    {
    }

    /**
     * Is the process running (it exists and is not a zombie)?
     */
    static boolean isRunning(final long pid)
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            final int afterName = stat.lastIndexOf(')');

            return stat.charAt(afterName + 2) != 'Z';
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    static boolean awaitGone(final long pid, final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (isRunning(pid))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                return false;
            }
            Thread.sleep(20);
        }

        return true;
    }

    static void kill(final long pid)
    {
        ProcessHandle.of(pid).ifPresent((handle) ->
        {
            handle.descendants().forEach(ProcessHandle::destroyForcibly);
            handle.destroyForcibly();
        });
    }

    /**
     * The Cpus_allowed_list of every thread of a process, as "tid: list".
     */
    static List<String> threadCpus(final long pid) throws IOException
    {
        final List<String> result = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                final List<String> status;
                try
                {
                    status = Files.readAllLines(task.resolve("status"), StandardCharsets.UTF_8);
                }
                catch (final NoSuchFileException ex)
                {
                    continue;   // the thread ended meanwhile
                }

                for (final String line : status)
                {
                    if (line.startsWith("Cpus_allowed_list:"))
                    {
                        result.add(task.getFileName() + ":" + line.substring("Cpus_allowed_list:".length()).trim());
                    }
                }
            }
        }

        return result;
    }

    static String cmdline(final long pid) throws IOException
    {
        return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
            .replace('\0', ' ');
    }
}
