package io.clustr.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
     * Add the median of each data-path measurement over the rounds (see {@link Result#medianOf(List)}); every
     * round's figures stay listed in {@code rounds_<figure>}.
     *
     * @param roundResults the results of each round, in order.
     */
    public void addMedianOf(final List<Results> roundResults)
    {
        final Map<String, List<Result>> byIdentity = new LinkedHashMap<>();
        for (final Results round : roundResults)
        {
            for (final Result result : round.results)
            {
                byIdentity.computeIfAbsent(result.identity(), (k) -> new ArrayList<>()).add(result);
            }

            for (final String skip : round.skipped)
            {
                if (!skipped.contains(skip))
                {
                    skipped.add(skip);
                }
            }
        }

        for (final List<Result> rounds : byIdentity.values())
        {
            if (null != rounds.get(0).key("link"))
            {
                final Result median = Result.medianOf(rounds);
                median.text("link_rounds", rounds.size() + "/" + roundResults.size());
                results.add(median);
                continue;
            }

            if (rounds.size() != roundResults.size())
            {
                skip(rounds.get(0).identity(), "measured in " + rounds.size() + " of " + roundResults.size() +
                    " rounds (a round failed): the median is of those");
            }

            results.add(Result.medianOf(rounds));
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
     * The first result matching all the given keys. A result split by the CPU link ({@code link=near|far}, see
     * {@link LinkSplit}) matches only when {@code link} is one of the keys asked for.
     *
     * @param keyValues key, value, key, value...
     * @return the result or null.
     */
    public Result find(final String... keyValues)
    {
        boolean askedLink = false;
        for (int i = 0; i < keyValues.length; i += 2)
        {
            askedLink |= "link".equals(keyValues[i]);
        }

        for (final Result result : results)
        {
            if ((askedLink || null == result.key("link")) && result.matches(keyValues))
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
