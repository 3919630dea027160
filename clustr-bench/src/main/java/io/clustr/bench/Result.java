package io.clustr.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One measurement: what was measured (bench, stream, system, message size, idle strategy, ...) and its figures,
 * printed as one {@code RESULT key=value ...} line.
 */
public final class Result
{
    private final Map<String, String> keys = new LinkedHashMap<>();
    private final Map<String, String> fields = new LinkedHashMap<>();
    private final Map<String, Double> values = new LinkedHashMap<>();

    /**
     * Start a result.
     *
     * @param bench  e.g. throughput, fanout, rtt, spawn, idle_rss, idle_cpu.
     * @param stream e.g. public, group, private, ipc, pubsub; "-" when it does not apply.
     * @param system e.g. clustr, aeron, redis, node, jvm.
     */
    /**
     * A throughput result: the total rate over all subscribers, and the slowest one's when there are several.
     *
     * @param bench       {@code throughput} or {@code fanout}.
     * @param stream      the stream measured.
     * @param system      the system measured.
     * @param size        message size in bytes.
     * @param subscribers how many subscribers.
     * @param rates       each subscriber's delivered messages per second.
     * @return the result.
     */
    public static Result throughput(
        final String bench,
        final String stream,
        final String system,
        final int size,
        final int subscribers,
        final List<Double> rates)
    {
        double total = 0;
        double min = Double.MAX_VALUE;
        for (final double rate : rates)
        {
            total += rate;
            min = Math.min(min, rate);
        }

        final Result result = new Result(bench, stream, system)
            .key("msg_bytes", size)
            .key("subscribers", subscribers)
            .value("msgs_per_s", total, 0);
        if (subscribers > 1)
        {
            result.value("min_per_sub_msgs_per_s", min, 0);
        }

        return result;
    }

    public Result(final String bench, final String stream, final String system)
    {
        keys.put("bench", bench);
        keys.put("stream", stream);
        keys.put("system", system);
    }

    /**
     * Add an identifying key (msg_bytes, idle, workers, ...).
     *
     * @param key   name.
     * @param value value.
     * @return this.
     */
    public Result key(final String key, final Object value)
    {
        keys.put(key, String.valueOf(value));
        return this;
    }

    /**
     * An identifying key.
     *
     * @param key name.
     * @return its value or null.
     */
    public String key(final String key)
    {
        return keys.get(key);
    }

    /**
     * Add a figure.
     *
     * @param name     e.g. msgs_per_s.
     * @param value    the number.
     * @param decimals how many decimals to print.
     * @return this.
     */
    public Result value(final String name, final double value, final int decimals)
    {
        values.put(name, value);
        fields.put(name, String.format(Locale.ROOT, "%." + decimals + "f", value));
        return this;
    }

    /**
     * Add a ratio (printed with 3 decimals); skipped when the baseline is missing.
     *
     * @param name        e.g. ratio_vs_aeron.
     * @param numerator   this system's figure.
     * @param denominator the baseline's figure, or NaN when there is none.
     * @return this.
     */
    public Result ratio(final String name, final double numerator, final double denominator)
    {
        if (!Double.isNaN(denominator) && denominator > 0 && !Double.isNaN(numerator))
        {
            value(name, numerator / denominator, 3);
        }

        return this;
    }

    /**
     * Add a text field.
     *
     * @param name  field name.
     * @param value its text (no spaces).
     * @return this.
     */
    public Result text(final String name, final String value)
    {
        fields.put(name, value);
        return this;
    }

    /**
     * A figure.
     *
     * @param name field name.
     * @return the figure or NaN.
     */
    public double value(final String name)
    {
        final Double value = values.get(name);
        return null == value ? Double.NaN : value;
    }

    /**
     * Whether every given key has the given value.
     *
     * @param keyValues key, value, key, value...
     * @return true when all match.
     */
    public boolean matches(final String... keyValues)
    {
        for (int i = 0; i < keyValues.length; i += 2)
        {
            if (!keyValues[i + 1].equals(keys.get(keyValues[i])))
            {
                return false;
            }
        }

        return true;
    }

    /**
     * What identifies this measurement across rounds: its keys.
     *
     * @return the keys as {@code k=v} pairs.
     */
    public String identity()
    {
        return keys.toString();
    }

    /**
     * The {@code RESULT ...} line.
     *
     * @return the line.
     */
    public String toLine()
    {
        final StringBuilder builder = new StringBuilder("RESULT");
        keys.forEach((k, v) -> builder.append(' ').append(k).append('=').append(v));
        fields.forEach((k, v) -> builder.append(' ').append(k).append('=').append(v));
        return builder.toString();
    }
}
