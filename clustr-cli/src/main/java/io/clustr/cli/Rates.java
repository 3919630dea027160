package io.clustr.cli;

import io.clustr.Channel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rates between two {@link Sample}s of the host: per node messages and bytes in and out, back-pressure events and
 * errors per second and CPU %, per kind of stream (public, group, private, confirmation) messages in and out per
 * second, per node and summed over the cluster, and per stream log bytes per second. A node or stream only in the
 * later sample has no rates yet (NaN); counters that went backwards (a new process with the same id) count as no
 * rate.
 *
 * @param intervalS seconds between the two samples.
 * @param epochMs   wall-clock time of the later sample.
 * @param clusters  one per directory of the later sample.
 */
record Rates(double intervalS, long epochMs, List<ClusterRates> clusters)
{
    /**
     * One cluster's rates.
     *
     * @param cluster the later sample of it.
     * @param nodes   rates per node, in the later sample's order.
     * @param streams rates per stream id, ascending.
     * @param kinds   messages per second per kind of stream, summed over the nodes, in {@code Channel.Kind} order.
     */
    record ClusterRates(
        Sample.Cluster cluster, List<NodeRates> nodes, List<StreamRates> streams, List<KindRates> kinds)
    {
    }

    /**
     * Messages per second of one kind of stream, summed over the cluster's nodes that have rates: out is what was
     * published into streams of that kind, in what was delivered from them (a public message counts once per node
     * that handles it).
     *
     * @param kind            "public", "group", "private" or "confirmation".
     * @param messagesInPerS  messages in per second (NaN if no node has a rate yet).
     * @param messagesOutPerS messages out per second (NaN if no node has a rate yet).
     */
    record KindRates(String kind, double messagesInPerS, double messagesOutPerS)
    {
    }

    /**
     * One node's rates.
     *
     * @param node              the later sample of the node.
     * @param messagesInPerS    messages delivered to its handlers per second.
     * @param messagesOutPerS   messages it published per second.
     * @param bytesInPerS       payload bytes in per second.
     * @param bytesOutPerS      payload bytes out per second.
     * @param backPressurePerS  back-pressure events per second.
     * @param errorsPerS        errors per second.
     * @param cpuPercent        CPU time as % of one core.
     * @param messagesInPerSByStream  messages in per second per kind of stream, by {@code Channel.Kind} ordinal.
     * @param messagesOutPerSByStream messages out per second per kind of stream, by {@code Channel.Kind} ordinal.
     */
    record NodeRates(
        Sample.Node node,
        double messagesInPerS,
        double messagesOutPerS,
        double bytesInPerS,
        double bytesOutPerS,
        double backPressurePerS,
        double errorsPerS,
        double cpuPercent,
        double[] messagesInPerSByStream,
        double[] messagesOutPerSByStream)
    {
    }

    /**
     * One stream's rate: how fast the publisher positions of its logs advanced (frames with their 32-byte headers and
     * padding, so a little more than the payloads).
     *
     * @param streamId    the Aeron stream id.
     * @param name        the stream as clustr names it ({@link Sample#streamName}).
     * @param bytesPerS   log bytes per second, summed over its publications.
     */
    record StreamRates(int streamId, String name, double bytesPerS)
    {
    }

    /**
     * @param before the earlier sample.
     * @param after  the later sample.
     * @param ticksPerSecond clock ticks per second of the CPU times ({@link Proc#CLOCK_TICKS_PER_SECOND}).
     * @return the rates between them.
     */
    static Rates between(final Sample before, final Sample after, final long ticksPerSecond)
    {
        final double intervalS = Math.max(1e-9, (after.nanoTime() - before.nanoTime()) / 1e9);
        final Map<Path, Sample.Cluster> earlier = new HashMap<>();
        for (final Sample.Cluster cluster : before.clusters())
        {
            earlier.put(cluster.directory(), cluster);
        }

        final List<ClusterRates> clusters = new ArrayList<>();
        for (final Sample.Cluster cluster : after.clusters())
        {
            final Sample.Cluster previous = earlier.get(cluster.directory());
            final Map<Long, Sample.Node> previousNodes = new HashMap<>();
            if (null != previous)
            {
                for (final Sample.Node node : previous.nodes())
                {
                    previousNodes.put(node.id(), node);
                }
            }

            final List<NodeRates> nodes = new ArrayList<>();
            for (final Sample.Node node : cluster.nodes())
            {
                final Sample.Node old = previousNodes.get(node.id());
                final boolean same = null != old && old.pid() == node.pid();
                nodes.add(new NodeRates(
                    node,
                    same ? rate(old.messagesIn(), node.messagesIn(), intervalS) : Double.NaN,
                    same ? rate(old.messagesOut(), node.messagesOut(), intervalS) : Double.NaN,
                    same ? rate(old.bytesIn(), node.bytesIn(), intervalS) : Double.NaN,
                    same ? rate(old.bytesOut(), node.bytesOut(), intervalS) : Double.NaN,
                    same ? rate(old.backPressure(), node.backPressure(), intervalS) : Double.NaN,
                    same ? rate(old.errors(), node.errors(), intervalS) : Double.NaN,
                    same && old.cpuTicks() >= 0 && node.cpuTicks() >= 0 ?
                        100.0 * rate(old.cpuTicks(), node.cpuTicks(), intervalS) / ticksPerSecond : Double.NaN,
                    rates(same ? old.messagesInByStream() : null, node.messagesInByStream(), intervalS),
                    rates(same ? old.messagesOutByStream() : null, node.messagesOutByStream(), intervalS)));
            }

            final List<StreamRates> streams = new ArrayList<>();
            for (final Map.Entry<Integer, Map<String, Long>> stream : new TreeMap<>(cluster.publications()).entrySet())
            {
                final Map<String, Long> old = null == previous ? null : previous.publications().get(stream.getKey());
                double bytesPerS = Double.NaN;
                if (null != old)
                {
                    long delta = 0;
                    boolean any = false;
                    for (final Map.Entry<String, Long> publication : stream.getValue().entrySet())
                    {
                        final Long oldPosition = old.get(publication.getKey());
                        if (null != oldPosition && publication.getValue() >= oldPosition)
                        {
                            delta += publication.getValue() - oldPosition;
                            any = true;
                        }
                    }
                    bytesPerS = any ? delta / intervalS : Double.NaN;
                }
                streams.add(new StreamRates(stream.getKey(),
                    Sample.streamName(stream.getKey(), cluster.groupNames(), cluster.nodes()), bytesPerS));
            }

            clusters.add(new ClusterRates(cluster, nodes, streams, kinds(nodes)));
        }

        return new Rates(intervalS, after.epochMs(), clusters);
    }

    private static double[] rates(final long[] before, final long[] after, final double intervalS)
    {
        final double[] rates = new double[after.length];
        for (int i = 0; i < after.length; i++)
        {
            rates[i] = null == before || i >= before.length ? Double.NaN : rate(before[i], after[i], intervalS);
        }

        return rates;
    }

    private static List<KindRates> kinds(final List<NodeRates> nodes)
    {
        final List<KindRates> kinds = new ArrayList<>();
        for (final Channel.Kind kind : ClusterView.STREAM_KINDS)
        {
            final int i = kind.ordinal();
            double in = Double.NaN;
            double out = Double.NaN;
            for (final NodeRates node : nodes)
            {
                in = sum(in, node.messagesInPerSByStream()[i]);
                out = sum(out, node.messagesOutPerSByStream()[i]);
            }
            kinds.add(new KindRates(kind.name().toLowerCase(Locale.ROOT), in, out));
        }

        return kinds;
    }

    private static double sum(final double total, final double rate)
    {
        if (Double.isNaN(rate))
        {
            return total;
        }

        return Double.isNaN(total) ? rate : total + rate;
    }

    private static double rate(final long before, final long after, final double intervalS)
    {
        return after >= before ? (after - before) / intervalS : Double.NaN;
    }
}
