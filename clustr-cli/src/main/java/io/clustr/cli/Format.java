package io.clustr.cli;

import java.util.Locale;

/**
 * Human-readable durations and sizes for tables.
 */
final class Format
{
    private Format()
    {
    }

    static String duration(final long ms)
    {
        if (ms < 0)
        {
            return "-";
        }
        final long s = ms / 1000;
        if (s < 60)
        {
            return s + "s";
        }
        if (s < 3600)
        {
            return (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
        }
        if (s < 86_400)
        {
            return (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
        }

        return (s / 86_400) + "d" + String.format(Locale.ROOT, "%02d", (s % 86_400) / 3600) + "h";
    }

    static String bytes(final long bytes)
    {
        if (bytes < 0)
        {
            return "-";
        }
        if (bytes < 1024)
        {
            return bytes + "B";
        }
        final double kib = bytes / 1024.0;
        if (kib < 1024)
        {
            return String.format(Locale.ROOT, "%.1fK", kib);
        }
        final double mib = kib / 1024;
        if (mib < 1024)
        {
            return String.format(Locale.ROOT, "%.1fM", mib);
        }

        return String.format(Locale.ROOT, "%.2fG", mib / 1024);
    }

    static String percent(final double percent)
    {
        return Double.isFinite(percent) ? String.format(Locale.ROOT, "%.1f", percent) : "-";
    }

    /**
     * @return events per second: "-" if unknown, one decimal below 100, whole numbers above.
     */
    static String rate(final double perSecond)
    {
        if (!Double.isFinite(perSecond))
        {
            return "-";
        }

        return perSecond < 100 ? String.format(Locale.ROOT, "%.1f", perSecond) :
            String.format(Locale.ROOT, "%.0f", perSecond);
    }

    /**
     * @return bytes per second as {@link #bytes(long)}, "-" if unknown.
     */
    static String byteRate(final double bytesPerSecond)
    {
        return Double.isFinite(bytesPerSecond) ? bytes(Math.round(bytesPerSecond)) : "-";
    }
}
