package io.clustr.bench;

import java.util.ArrayList;
import java.util.Collections;
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
    private final Map<String, Integer> decimals = new LinkedHashMap<>();
    private final Map<String, List<Double>> rounds = new LinkedHashMap<>();
    private final List<Map<String, String>> linkLines = new ArrayList<>();

    private Result()
    {
    }

    /**
     * The median of several rounds of one measurement: the same keys, each figure the median of that figure over
     * the rounds (each figure on its own: the p99 of the result is the median of the rounds' p99s), and every
     * round's figure listed in {@code rounds_<figure>}, in round order; {@code rounds} says how many.
     *
     * @param roundResults the rounds' results, all with the same keys, at least one.
     * @return the median result.
     */
    public static Result medianOf(final List<Result> roundResults)
    {
        final Result first = roundResults.get(0);
        final Result median = new Result();
        median.keys.putAll(first.keys);
        for (final Map.Entry<String, String> field : first.fields.entrySet())
        {
            final String name = field.getKey();
            if (!first.values.containsKey(name))
            {
                median.text(name, field.getValue());
                continue;
            }

            final List<Double> samples = new ArrayList<>();
            for (final Result round : roundResults)
            {
                samples.add(round.value(name));
            }

            median.value(name, median(samples), first.decimals.get(name));
            median.rounds.put(name, samples);
        }

        median.value("rounds", roundResults.size(), 0);
        for (final Map.Entry<String, List<Double>> round : median.rounds.entrySet())
        {
            median.text("rounds_" + round.getKey(), list(round.getValue(), median.decimals.get(round.getKey())));
        }

        return median;
    }

    /**
     * Median of some samples; NaN for none.
     *
     * @param samples the samples (not modified).
     * @return the median: the middle one, or the mean of the two middle ones.
     */
    public static double median(final List<Double> samples)
    {
        final List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        final int n = sorted.size();
        if (0 == n)
        {
            return Double.NaN;
        }

        return 0 == n % 2 ? (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2 : sorted.get(n / 2);
    }

    /**
     * Numbers as {@code a,b,c}.
     *
     * @param samples  the numbers.
     * @param decimals how many decimals each gets.
     * @return the list.
     */
    public static String list(final List<Double> samples, final int decimals)
    {
        final StringBuilder text = new StringBuilder();
        for (final double sample : samples)
        {
            text.append(text.length() > 0 ? "," : "").append(String.format(Locale.ROOT, "%." + decimals + "f", sample));
        }

        return text.toString();
    }

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

    /**
     * Keep the child lines this result was made of that carry link probes ({@code probes=..}), for
     * {@link LinkSplit}; lines without them are ignored.
     *
     * @param lines the fields of each child line.
     * @return this.
     */
    public Result linkLines(final List<Map<String, String>> lines)
    {
        for (final Map<String, String> line : lines)
        {
            if (line.containsKey("probes"))
            {
                linkLines.add(line);
            }
        }

        return this;
    }

    /**
     * @return the child lines with link probes, see {@link #linkLines(List)}; empty for none.
     */
    public List<Map<String, String>> linkLines()
    {
        return linkLines;
    }

    /**
     * Start a result.
     *
     * @param bench  e.g. throughput, fanout, rtt, spawn, idle_rss, idle_cpu.
     * @param stream e.g. public, group, private, ipc, pubsub; "-" when it does not apply.
     * @param system e.g. clustr, aeron, redis, node, jvm.
     */
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
        this.decimals.put(name, decimals);
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
     * Add the ratio of each round to the same round of a baseline, as {@code rounds_<name>} (3 decimals); skipped
     * unless both have one figure per round and as many rounds. The rounds are interleaved, so round i of this
     * result and round i of the baseline ran close in time.
     *
     * @param name        e.g. ratio_vs_aeron.
     * @param numerator   this system's per-round figures.
     * @param denominator the baseline's per-round figures.
     * @return this.
     */
    public Result roundRatios(final String name, final List<Double> numerator, final List<Double> denominator)
    {
        if (!numerator.isEmpty() && numerator.size() == denominator.size())
        {
            final List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < numerator.size(); i++)
            {
                ratios.add(numerator.get(i) / denominator.get(i));
            }

            text("rounds_" + name, list(ratios, 3));
        }

        return this;
    }

    /**
     * The figure of each round, when this result is the median of rounds.
     *
     * @param name field name.
     * @return the figures in round order; empty for a result measured once.
     */
    public List<Double> rounds(final String name)
    {
        return rounds.getOrDefault(name, List.of());
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
     * A text field, or a figure as printed.
     *
     * @param name field name.
     * @return its text, or null.
     */
    public String text(final String name)
    {
        return fields.get(name);
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
