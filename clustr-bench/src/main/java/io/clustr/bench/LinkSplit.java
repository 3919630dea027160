package io.clustr.bench;

import io.clustr.bench.workload.LinkProbe;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.DataFormatException;

/**
 * Splits the data-path figures by the state of the link between the CPUs ({@link LinkProbe}): each throughput and
 * round-trip window a child reports comes in intervals of about 100 ms with a probe of the link between each two.
 * All probes of the run, raw Aeron's and clustr's alike, are split into two clusters (two-medians on their logarithm);
 * a cluster with under {@link #MIN_CLUSTER_SHARE} of the probes is a few outliers (probes whose helper thread was
 * preempted), left out before looking again. When the slower cluster's centre is at least {@link #MIN_SPREAD} times
 * the faster one's, the link has two states,
 * {@code near} and {@code far}, and each round gets, beside its whole-window figure, one figure per state from the
 * intervals whose probes on both sides fall in that state ({@code link=near|far} results). Otherwise the link is
 * steady and nothing is split. A round with fewer than {@link #MIN_INTERVALS} intervals in a state has no figure
 * for it; the median of a state is of the rounds that have one.
 */
final class LinkSplit
{
    static final String NEAR = "near";
    static final String FAR = "far";

    /**
     * How far apart the two clusters' centres must be to call the link two-state.
     */
    static final double MIN_SPREAD = 2.0;

    /**
     * Fewest intervals (each about 100 ms) of a state for a round to have a figure in it.
     */
    static final int MIN_INTERVALS = 3;

    /**
     * Smallest share of the probes a cluster must hold to be a state of the link, not a few outliers.
     */
    static final double MIN_CLUSTER_SHARE = 0.05;

    private static final int MAX_TRIMS = 3;

    private final double thresholdNs;
    private final double nearNs;
    private final double farNs;
    private final int probes;

    private LinkSplit(final double thresholdNs, final double nearNs, final double farNs, final int probes)
    {
        this.thresholdNs = thresholdNs;
        this.nearNs = nearNs;
        this.farNs = farNs;
        this.probes = probes;
    }

    /**
     * Split every round's results by the link, adding the {@code link=near|far} results to each round.
     *
     * @param rounds the rounds' results.
     * @param info   where the split's summary line goes ({@code INFO link ...}).
     * @return the cache line round trip of each state, {@code {near, far}} in ns, or null when the link was not
     * split. The states are relative to the run: "near" is the faster of the two this run found, which on a busy
     * host can itself be slow, so the summary quotes it beside every per-state figure.
     */
    static double[] apply(final List<Results> rounds, final java.io.PrintStream info)
    {
        final List<Double> logs = new ArrayList<>();
        for (final Results round : rounds)
        {
            for (final Result result : round.all())
            {
                for (final Map<String, String> line : result.linkLines())
                {
                    for (final long probe : longs(line.get("probes")))
                    {
                        if (probe > 0)
                        {
                            logs.add(Math.log(probe));
                        }
                    }
                }
            }
        }

        final LinkSplit split = of(logs);
        if (null == split)
        {
            info.println("INFO link=" + (logs.isEmpty() ? "unprobed" : "steady") + " probes=" + logs.size() +
                (logs.isEmpty() ? "" : String.format(Locale.ROOT, " median_round_trip_ns=%.0f",
                Math.exp(Result.median(logs)))));
            return null;
        }

        info.println(String.format(Locale.ROOT,
            "INFO link=two-state probes=%d near_round_trip_ns=%.0f far_round_trip_ns=%.0f threshold_ns=%.0f",
            split.probes, split.nearNs, split.farNs, split.thresholdNs));
        for (final Results round : rounds)
        {
            final List<Result> derived = new ArrayList<>();
            for (final Result result : round.all())
            {
                if (result.linkLines().isEmpty())
                {
                    continue;
                }

                for (final String link : new String[]{NEAR, FAR})
                {
                    final Result byLink = split.byLink(result, link);
                    if (null != byLink)
                    {
                        derived.add(byLink);
                    }
                }
            }

            derived.forEach(round::add);
        }

        return new double[]{split.nearNs, split.farNs};
    }

    /**
     * Two-medians on the logarithms of the probes (medians, not means: a few probes that waited for their helper read
     * tens of microseconds).
     *
     * @return the split, or null if the probes form one cluster.
     */
    static LinkSplit of(final List<Double> logs)
    {
        List<Double> kept = logs;
        for (int trim = 0; trim < MAX_TRIMS; trim++)
        {
            final List<Double> outliers = new ArrayList<>();
            final LinkSplit split = twoMedians(kept, outliers);
            if (null == split || outliers.isEmpty())
            {
                return split;
            }
            // One cluster too small to be a state of the link (a few probes whose helper was preempted, say): leave
            // those probes out and look again.
            final List<Double> rest = new ArrayList<>(kept);
            rest.removeAll(outliers);
            kept = rest;
        }

        return null;
    }

    /**
     * @param outliers filled with the smaller cluster's probes when it has fewer than {@link #MIN_CLUSTER_SHARE}
     *                 of them (the split is then not returned).
     */
    private static LinkSplit twoMedians(final List<Double> logs, final List<Double> outliers)
    {
        if (logs.size() < 2 * MIN_INTERVALS)
        {
            return null;
        }

        double low = Double.MAX_VALUE;
        double high = -Double.MAX_VALUE;
        for (final double log : logs)
        {
            low = Math.min(low, log);
            high = Math.max(high, log);
        }

        double lowCentre = low;
        double highCentre = high;
        for (int iteration = 0; iteration < 50; iteration++)
        {
            final double cut = (lowCentre + highCentre) / 2;
            final List<Double> lows = new ArrayList<>();
            final List<Double> highs = new ArrayList<>();
            for (final double log : logs)
            {
                (log < cut ? lows : highs).add(log);
            }

            if (lows.isEmpty() || highs.isEmpty())
            {
                return null;
            }

            lowCentre = Result.median(lows);
            highCentre = Result.median(highs);
        }

        if (Math.exp(highCentre - lowCentre) < MIN_SPREAD)
        {
            return null;
        }

        final double cut = (lowCentre + highCentre) / 2;
        final List<Double> lows = new ArrayList<>();
        final List<Double> highs = new ArrayList<>();
        for (final double log : logs)
        {
            (log < cut ? lows : highs).add(log);
        }
        final int smallest = Math.max(2, (int)Math.ceil(MIN_CLUSTER_SHARE * logs.size()));
        if (lows.size() < smallest || highs.size() < smallest)
        {
            outliers.addAll(lows.size() < highs.size() ? lows : highs);
            return null;
        }

        return new LinkSplit(
            Math.exp((lowCentre + highCentre) / 2), Math.exp(lowCentre), Math.exp(highCentre), logs.size());
    }

    /**
     * @return the link state of a probe: near, far, or null for an unknown one.
     */
    String state(final long probeNs)
    {
        if (probeNs <= 0)
        {
            return null;
        }

        if (probeNs < thresholdNs)
        {
            return NEAR;
        }

        // As far above the far centre as the threshold is below it: slower still is a probe the helper was not
        // running through (preempted), not a state of the link.
        return probeNs <= farNs * farNs / thresholdNs ? FAR : null;
    }

    /**
     * Whether interval {@code i} (between probes {@code i} and {@code i + 1}) ran in a link state.
     */
    boolean isIn(final long[] probes, final int i, final String link)
    {
        return i + 1 < probes.length && link.equals(state(probes[i])) && link.equals(state(probes[i + 1]));
    }

    private Result byLink(final Result result, final String link)
    {
        final String bench = result.key("bench");
        if ("rtt".equals(bench))
        {
            return rttByLink(result, link);
        }

        final List<Double> rates = new ArrayList<>();
        int fewest = Integer.MAX_VALUE;
        for (final Map<String, String> line : result.linkLines())
        {
            final long[] probes = longs(line.get("probes"));
            final String[] intervals = line.get("interval_msgs").split(",");
            long msgs = 0;
            long ns = 0;
            int count = 0;
            for (int i = 0; i < intervals.length; i++)
            {
                final int colon = intervals[i].indexOf(':');
                if (colon > 0 && isIn(probes, i, link))
                {
                    msgs += Long.parseLong(intervals[i].substring(0, colon));
                    ns += Long.parseLong(intervals[i].substring(colon + 1));
                    count++;
                }
            }

            if (count < MIN_INTERVALS)
            {
                return null;
            }
            fewest = Math.min(fewest, count);
            rates.add(msgs * 1e9 / ns);
        }

        final Result byLink = Result.throughput(bench, result.key("stream"), result.key("system"),
            Integer.parseInt(result.key("msg_bytes")), Integer.parseInt(result.key("subscribers")), rates);
        byLink.key("link", link);
        byLink.value("intervals", fewest, 0);

        return byLink;
    }

    private Result rttByLink(final Result result, final String link)
    {
        final Map<String, String> line = result.linkLines().get(0);
        final long[] probes = longs(line.get("probes"));
        final String[] hists = line.get("interval_hists").split(",");
        Histogram merged = null;
        int count = 0;
        for (int i = 0; i < hists.length; i++)
        {
            if (isIn(probes, i, link) && !"-".equals(hists[i]))
            {
                final Histogram h = decode(hists[i]);
                if (null == merged)
                {
                    merged = h;
                }
                else
                {
                    merged.add(h);
                }
                count++;
            }
        }

        if (count < MIN_INTERVALS || merged.getTotalCount() == 0)
        {
            return null;
        }

        final Result byLink = new Result("rtt", result.key("stream"), result.key("system"))
            .key("idle", result.key("idle"))
            .key("msg_bytes", result.key("msg_bytes"))
            .key("link", link);
        byLink.value("count", merged.getTotalCount(), 0);
        byLink.value("p50_us", merged.getValueAtPercentile(50.0) / 1000.0, 2);
        byLink.value("p90_us", merged.getValueAtPercentile(90.0) / 1000.0, 2);
        byLink.value("p99_us", merged.getValueAtPercentile(99.0) / 1000.0, 2);
        byLink.value("p999_us", merged.getValueAtPercentile(99.9) / 1000.0, 2);
        byLink.value("max_us", merged.getMaxValue() / 1000.0, 2);
        byLink.value("intervals", count, 0);

        return byLink;
    }

    private static Histogram decode(final String base64)
    {
        try
        {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        }
        catch (final DataFormatException ex)
        {
            throw new IllegalStateException("a child reported an interval histogram that does not decode", ex);
        }
    }

    /**
     * Lookup keys for {@link Results#find}, with {@code link} when one is given: a figure of one state of the link
     * is compared with raw Aeron's in the same state.
     *
     * @param link      the state, or null for the whole-window figures.
     * @param keyValues key, value, key, value...
     * @return the keys.
     */
    static String[] keys(final String link, final String... keyValues)
    {
        if (null == link)
        {
            return keyValues;
        }

        final String[] keys = Arrays.copyOf(keyValues, keyValues.length + 2);
        keys[keyValues.length] = "link";
        keys[keyValues.length + 1] = link;
        return keys;
    }

    static long[] longs(final String list)
    {
        if (null == list || list.isEmpty() || "-".equals(list))
        {
            return new long[0];
        }

        final String[] parts = list.split(",");
        final long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            values[i] = Long.parseLong(parts[i]);
        }

        return values;
    }
}
