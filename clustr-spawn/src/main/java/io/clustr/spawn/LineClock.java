package io.clustr.spawn;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Timestamps at the start of the lines clustr writes for a child: the local time a line was read at, as
 * {@code HH:mm:ss.SSS} or {@code yyyy-MM-ddTHH:mm:ss.SSS}. The text up to the second is formatted once a second; one
 * clock per pump thread (not thread-safe).
 */
final class LineClock
{
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private final DateTimeFormatter formatter;
    private final ZoneId zone = ZoneId.systemDefault();
    private final StringBuilder sb = new StringBuilder(32);
    private long second = Long.MIN_VALUE;
    private String secondText = "";

    private LineClock(final DateTimeFormatter formatter)
    {
        this.formatter = formatter;
    }

    static LineClock time()
    {
        return new LineClock(TIME);
    }

    static LineClock dateTime()
    {
        return new LineClock(DATE_TIME);
    }

    /**
     * The timestamp of a line read now, followed by a space.
     *
     * @return e.g. {@code "07:45:07.123 "}.
     */
    String now()
    {
        return format(System.currentTimeMillis());
    }

    String format(final long epochMs)
    {
        final long s = Math.floorDiv(epochMs, 1000);
        if (s != second)
        {
            second = s;
            secondText = formatter.format(LocalDateTime.ofInstant(Instant.ofEpochSecond(s), zone));
        }

        final int ms = Math.floorMod(epochMs, 1000);
        sb.setLength(0);
        sb.append(secondText).append('.');
        if (ms < 100)
        {
            sb.append('0');
        }
        if (ms < 10)
        {
            sb.append('0');
        }

        return sb.append(ms).append(' ').toString();
    }
}
