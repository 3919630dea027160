package io.clustr.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What {@code clustr monit} shows for one pair of samples: per cluster a table of its nodes with their rates and a
 * line of its messages per second per kind of stream and one of its streams' log bytes per second. A pure function
 * of the {@link Rates}, so tests render it from made-up samples.
 */
final class MonitView
{
    /**
     * ANSI: cursor home. Each frame is drawn over the last one, then the rest of the screen is cleared.
     */
    static final String HOME = "\033[H";

    /**
     * ANSI: clear to the end of the line.
     */
    static final String CLEAR_LINE = "\033[K";

    /**
     * ANSI: clear from the cursor to the end of the screen.
     */
    static final String CLEAR_BELOW = "\033[J";

    static final String BOLD = "\033[1m";
    static final String RESET = "\033[0m";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
        .withZone(ZoneOffset.UTC);

    private MonitView()
    {
    }

    /**
     * Render one frame.
     *
     * @param rates the rates to show.
     * @param ansi  true to draw over the previous frame (a terminal), false for plain lines.
     * @return the frame's text, lines ending in '\n'.
     */
    static String render(final Rates rates, final boolean ansi)
    {
        final StringWriter text = new StringWriter();
        final PrintWriter out = new PrintWriter(text);
        final String title = "clustr monit  " + TIME.format(Instant.ofEpochMilli(rates.epochMs())) +
            String.format(Locale.ROOT, "  rates per second over %.1f s", rates.intervalS()) +
            (ansi ? "  (q or Ctrl-C quits)" : "");
        out.println(ansi ? BOLD + title + RESET : title);

        if (rates.clusters().isEmpty())
        {
            out.println("no clustr cluster on this host (clustr ls --help says where it looks)");
        }
        for (final Rates.ClusterRates cluster : rates.clusters())
        {
            out.println();
            final Sample.Cluster c = cluster.cluster();
            if (null != c.problem())
            {
                out.println(c.directory() + "  cannot be read: " + c.problem());
                continue;
            }
            if (!c.driverAlive())
            {
                out.println(c.directory() + "  driver pid " + c.driverPid() + " is not running: a stale directory");
                continue;
            }
            out.println(c.directory() + "  driver pid " + c.driverPid() + ", " + c.nodes().size() + " nodes");
            if (!cluster.nodes().isEmpty())
            {
                final Table table = new Table("ID>", "NAME", "GROUP", "PID>", "STATE", "RESTARTS>", "UPTIME>",
                    "CPU%>", "RSS>", "MSG-IN/S>", "MSG-OUT/S>", "IN/S>", "OUT/S>", "BP/S>", "ERR/S>", "ERRORS>");
                for (final Rates.NodeRates node : cluster.nodes())
                {
                    final Sample.Node n = node.node();
                    table.add(n.id(), n.name(), n.group().isEmpty() ? "-" : n.group(), n.pid(), n.state(),
                        n.restarts(), Format.duration(n.startTimeMs() > 0 ? rates.epochMs() - n.startTimeMs() : -1),
                        Format.percent(node.cpuPercent()), Format.bytes(n.rssBytes()),
                        Format.rate(node.messagesInPerS()), Format.rate(node.messagesOutPerS()),
                        Format.byteRate(node.bytesInPerS()), Format.byteRate(node.bytesOutPerS()),
                        Format.rate(node.backPressurePerS()), Format.rate(node.errorsPerS()), n.errors());
                }
                table.print(out, "  ");
            }
            if (!cluster.nodes().isEmpty())
            {
                final StringBuilder line = new StringBuilder("  messages/s by stream (out/in):");
                for (final Rates.KindRates kind : cluster.kinds())
                {
                    line.append("  ").append(kind.kind()).append(' ').append(Format.rate(kind.messagesOutPerS()))
                        .append('/').append(Format.rate(kind.messagesInPerS()));
                }
                out.println(line);
            }
            if (!cluster.streams().isEmpty())
            {
                final StringBuilder line = new StringBuilder("  streams (log bytes/s):");
                for (final Rates.StreamRates stream : cluster.streams())
                {
                    line.append("  ").append(stream.name()).append(' ').append(Format.byteRate(stream.bytesPerS()));
                }
                out.println(line);
            }
        }
        out.flush();

        if (!ansi)
        {
            return text.toString();
        }

        final StringBuilder frame = new StringBuilder(HOME);
        for (final String line : text.toString().split("\n", -1))
        {
            if (frame.length() > HOME.length())
            {
                frame.append('\n');
            }
            frame.append(line).append(CLEAR_LINE);
        }

        return frame.append(CLEAR_BELOW).toString();
    }
}
