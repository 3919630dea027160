package io.clustr.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

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
     * Add and print a result.
     *
     * @param result the result.
     */
    public void add(final Result result)
    {
        results.add(result);
        out.println(result.toLine());
        out.flush();
    }

    /**
     * Record and print that a system or measurement was skipped.
     *
     * @param what   e.g. "redis".
     * @param reason why, for the reader.
     */
    public void skip(final String what, final String reason)
    {
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
