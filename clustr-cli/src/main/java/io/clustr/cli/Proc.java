package io.clustr.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux's {@code /proc} says of a process: the CPUs it may run on ({@code Cpus_allowed_list} of
 * {@code /proc/<pid>/status}, as the kernel reports them, so a {@code taskset} applied from outside shows), its
 * resident set size ({@code VmRSS}) and its CPU time ({@code utime + stime} of {@code /proc/<pid>/stat}, all threads).
 */
final class Proc
{
    /**
     * Clock ticks per second of {@code /proc/<pid>/stat} times: {@code getconf CLK_TCK}, 100 on every Linux this
     * runs on (the kernel's USER_HZ).
     */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private Proc()
    {
    }

    /**
     * @return the CPU list, e.g. "0-1", or "" if the process is gone.
     */
    static String cpus(final long pid)
    {
        return statusField(pid, "Cpus_allowed_list");
    }

    /**
     * @return resident set size in bytes, or -1 if unknown.
     */
    static long rssBytes(final long pid)
    {
        final String value = statusField(pid, "VmRSS");
        if (value.isEmpty())
        {
            return -1;
        }

        try
        {
            return Long.parseLong(value.split("\\s+")[0]) * 1024;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    /**
     * @return user plus system CPU time in clock ticks, or -1 if the process is gone.
     */
    static long cpuTicks(final long pid)
    {
        try
        {
            final String stat = Files.readString(
                Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // the command name, in parentheses, may hold spaces: count fields after its closing parenthesis
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    private static String statusField(final long pid, final String name)
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")))
            {
                if (line.startsWith(name + ":"))
                {
                    return line.substring(name.length() + 1).trim();
                }
            }
        }
        catch (final IOException ex)
        {
            // gone
        }

        return "";
    }
}
