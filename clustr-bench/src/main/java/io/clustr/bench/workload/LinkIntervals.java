package io.clustr.bench.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * A measured window cut into intervals of about {@link #INTERVAL_NS}, with a {@link LinkProbe} between each two: the
 * probes before and after an interval say which link it ran on. Each interval keeps one figure (a count and its
 * time, or an encoded histogram), reported as {@code probes=b0,...,bn} and one list of n figures per kind.
 * Written by one thread, at most once an interval: not on a per-message path.
 */
public final class LinkIntervals
{
    /**
     * How long an interval runs: short enough that most fall within one state of the link (it holds for a few hundred
     * milliseconds to seconds), long enough that a probe (up to about a millisecond) costs under 1 % of it.
     */
    public static final long INTERVAL_NS = 100_000_000L;

    private final LinkProbe probe;
    private final List<Long> probes = new ArrayList<>();
    private final List<String> figures = new ArrayList<>();
    private long intervalStartNs;

    /**
     * @param probe to time the link with.
     */
    public LinkIntervals(final LinkProbe probe)
    {
        this.probe = probe;
    }

    /**
     * A window begins: forget the last one, probe, and start the first interval.
     */
    public void begin()
    {
        probes.clear();
        figures.clear();
        probes.add(probe.roundTripNs());
        intervalStartNs = System.nanoTime();
    }

    /**
     * @param nowNs a recent {@link System#nanoTime()}.
     * @return whether the current interval has run its time.
     */
    public boolean isDue(final long nowNs)
    {
        return nowNs - intervalStartNs >= INTERVAL_NS;
    }

    /**
     * @return when the current interval began ({@link System#nanoTime()}).
     */
    public long intervalStartNs()
    {
        return intervalStartNs;
    }

    /**
     * End the current interval with its figure, probe, and start the next one.
     *
     * @param figure of the interval, with no comma or space.
     */
    public void next(final String figure)
    {
        figures.add(figure);
        probes.add(probe.roundTripNs());
        intervalStartNs = System.nanoTime();
    }

    /**
     * @return the {@code probes=... interval_<name>=...} fields of the window's line, for {@link BenchLine#format}.
     * @param name of the intervals' figures.
     */
    public Object[] fields(final String name)
    {
        return new Object[]{"probes", join(probes), "interval_" + name, figures.isEmpty() ? "-" : join(figures)};
    }

    /**
     * @return the probes, {@code b0,...,bn}.
     */
    public String probes()
    {
        return join(probes);
    }

    /**
     * The figures, comma-separated, cut into parts of at most about {@code maxChars} (a figure is never cut).
     *
     * @param maxChars of a part, as long as a figure is shorter.
     * @return the parts, to be joined with commas.
     */
    public List<String> figureParts(final int maxChars)
    {
        final List<String> parts = new ArrayList<>();
        final StringBuilder part = new StringBuilder();
        for (final String figure : figures)
        {
            if (part.length() > 0 && part.length() + 1 + figure.length() > maxChars)
            {
                parts.add(part.toString());
                part.setLength(0);
            }
            part.append(part.length() > 0 ? "," : "").append(figure);
        }

        if (part.length() > 0)
        {
            parts.add(part.toString());
        }

        return parts;
    }

    private static String join(final List<?> values)
    {
        final StringBuilder builder = new StringBuilder();
        for (final Object value : values)
        {
            builder.append(builder.length() > 0 ? "," : "").append(value);
        }

        return builder.toString();
    }
}
