package io.clustr.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Memory and CPU time of a process, read from Linux's {@code /proc}: {@code /proc/<pid>/status} for resident set
 * sizes (VmRSS and its anonymous / file / shared-memory parts) and thread count, {@code /proc/<pid>/stat} for user
 * plus system CPU time of all the process's threads.
 */
public final class ProcStats
{
    private static final int UTIME_INDEX_AFTER_COMM = 11;
    private static final int STIME_INDEX_AFTER_COMM = 12;

    private ProcStats()
    {
    }

    /**
     * Fields of {@code /proc/<pid>/status} that describe memory and threads, in KiB (Threads as a count):
     * VmRSS, RssAnon, RssFile, RssShmem, VmHWM, Threads.
     *
     * @param pid process id.
     * @return the fields present, in that order.
     */
    public static Map<String, Long> memory(final long pid)
    {
        final Map<String, Long> result = new LinkedHashMap<>();
        for (final String line : readLines(Paths.get("/proc", Long.toString(pid), "status")))
        {
            final int colon = line.indexOf(':');
            if (colon < 0)
            {
                continue;
            }

            final String key = line.substring(0, colon);
            switch (key)
            {
                case "VmRSS":
                case "RssAnon":
                case "RssFile":
                case "RssShmem":
                case "VmHWM":
                case "Threads":
                    result.put(key, Long.parseLong(line.substring(colon + 1).trim().split("\\s+")[0]));
                    break;

                default:
                    break;
            }
        }

        return result;
    }

    /**
     * Resident set size.
     *
     * @param pid process id.
     * @return VmRSS in KiB.
     */
    public static long rssKib(final long pid)
    {
        final Long rss = memory(pid).get("VmRSS");
        if (null == rss)
        {
            throw new IllegalStateException("no VmRSS for pid " + pid);
        }

        return rss;
    }

    /**
     * CPU time used so far by all threads of a process: utime + stime of {@code /proc/<pid>/stat}.
     *
     * @param pid process id.
     * @return CPU time in clock ticks.
     */
    public static long cpuTicks(final long pid)
    {
        final String stat = String.join(" ", readLines(Paths.get("/proc", Long.toString(pid), "stat")));
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[UTIME_INDEX_AFTER_COMM]) + Long.parseLong(fields[STIME_INDEX_AFTER_COMM]);
    }

    /**
     * Clock ticks per second ({@code getconf CLK_TCK}), 100 if it cannot be asked.
     *
     * @return ticks per second.
     */
    public static long clockTicksPerSecond()
    {
        try
        {
            final Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return 0 == process.waitFor() ? Long.parseLong(out) : 100;
        }
        catch (final IOException | NumberFormatException ex)
        {
            return 100;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    private static List<String> readLines(final Path path)
    {
        try
        {
            return Files.readAllLines(path, StandardCharsets.US_ASCII);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
