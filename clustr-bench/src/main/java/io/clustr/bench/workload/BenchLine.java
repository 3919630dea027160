package io.clustr.bench.workload;

/**
 * Formats the {@code BENCH key=value ...} lines that child processes report to the orchestrator.
 */
public final class BenchLine
{
    /**
     * Prefix of every line the orchestrator reads from a child's output.
     */
    public static final String PREFIX = "BENCH ";

    /**
     * Line a child prints once it is ready to take part (subscribed, connected).
     */
    public static final String READY = "BENCH ready";

    /**
     * Prefix of the lines that continue a result line too long for one ({@code link_parts=n} on it says how many
     * follow it).
     */
    public static final String LINK_PART_PREFIX = "BENCH link-part ";

    private BenchLine()
    {
    }

    /**
     * Format a bench line.
     *
     * @param keyValues key, value, key, value...
     * @return the line, starting with {@link #PREFIX}.
     */
    public static String format(final Object... keyValues)
    {
        final StringBuilder builder = new StringBuilder(PREFIX.length() + 16 * keyValues.length);
        builder.append(PREFIX.trim());
        for (int i = 0; i < keyValues.length; i += 2)
        {
            builder.append(' ').append(keyValues[i]).append('=').append(keyValues[i + 1]);
        }

        return builder.toString();
    }
}
