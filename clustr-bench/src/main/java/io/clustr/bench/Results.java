package io.clustr.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every result of a run, printed as it is added; lookups give later systems their baselines (raw Aeron, Redis,
 * Node run before clustr).
 */
public final class Results
{
    private final List<Result> results = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final PrintStream out;

    /**
     * Create an empty set.
     *
     * @param out where RESULT lines go.
     */
    public Results(final PrintStream out)
    {
        this.out = out;
    }

    /**
     * Add a result (printed by {@link #printAll()}, once ratios have been added).
     *
     * @param result the result.
     */
    public void add(final Result result)
    {
        results.add(result);
    }

    /**
     * Print every result as a {@code RESULT} line.
     */
    public void printAll()
    {
        for (final Result result : results)
        {
            out.println(result.toLine());
        }

        out.flush();
    }

    /**
     * Take the best round of each data-path measurement: the highest {@code msgs_per_s} for throughput, the lowest
     * {@code p50_us} for round trips; every round's figure is kept in {@code rounds_msgs_per_s} /
     * {@code rounds_p50_us} so the spread stays visible.
     *
     * @param rounds the results of each round, in order.
     */
    public void addBestOf(final List<Results> rounds)
    {
        final Map<String, List<Result>> byIdentity = new LinkedHashMap<>();
        for (final Results round : rounds)
        {
            for (final Result result : round.results)
            {
                byIdentity.computeIfAbsent(result.identity(), (k) -> new ArrayList<>()).add(result);
            }
        }

        for (final List<Result> candidates : byIdentity.values())
        {
            final boolean isRtt = candidates.get(0).matches("bench", "rtt");
            final String figure = isRtt ? "p50_us" : "msgs_per_s";
            Result best = candidates.get(0);
            final StringBuilder all = new StringBuilder();
            for (final Result candidate : candidates)
            {
                final double value = candidate.value(figure);
                all.append(all.length() > 0 ? "," : "").append(
                    String.format(Locale.ROOT, isRtt ? "%.2f" : "%.0f", value));
                if (isRtt ? value < best.value(figure) : value > best.value(figure))
                {
                    best = candidate;
                }
            }

            if (candidates.size() > 1)
            {
                best.value("rounds", candidates.size(), 0);
                best.text("rounds_" + figure, all.toString());
            }

            results.add(best);
        }

        for (final Results round : rounds)
        {
            skipped.addAll(round.skipped);
        }
    }

    /**
     * Record and print that a system or measurement was skipped.
     *
     * @param what   e.g. "redis".
     * @param reason why, for the reader.
     */
    public void skip(final String what, final String reason)
    {
        if (skipped.contains(what + ": " + reason))
        {
            return;
        }

        skipped.add(what + ": " + reason);
        out.println("SKIP " + what + ": " + reason);
        out.flush();
    }

    /**
     * The first result matching all the given keys.
     *
     * @param keyValues key, value, key, value...
     * @return the result or null.
     */
    public Result find(final String... keyValues)
    {
        for (final Result result : results)
        {
            if (result.matches(keyValues))
            {
                return result;
            }
        }

        return null;
    }

    /**
     * A figure of the first result matching all the given keys.
     *
     * @param field     figure name.
     * @param keyValues key, value, key, value...
     * @return the figure or NaN.
     */
    public double value(final String field, final String... keyValues)
    {
        final Result result = find(keyValues);
        return null == result ? Double.NaN : result.value(field);
    }

    /**
     * Everything skipped.
     *
     * @return "what: reason" lines.
     */
    public List<String> skipped()
    {
        return skipped;
    }

    /**
     * Everything measured.
     *
     * @return the results in order.
     */
    public List<Result> all()
    {
        return results;
    }
}
