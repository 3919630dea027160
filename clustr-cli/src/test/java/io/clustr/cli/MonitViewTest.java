package io.clustr.cli;

import io.clustr.Channel;
import io.clustr.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rates and the table of {@code clustr monit} from two made-up samples two seconds apart.
 */
@Timeout(10)
class MonitViewTest
{
    private static final Path DIR = Path.of("/dev/shm/clustr-42-abc/driver");
    private static final long T0_NS = 1_000_000_000L;
    private static final long T1_NS = T0_NS + 2_000_000_000L;
    private static final long NOW_MS = 1_790_000_000_000L; // 2026-09-21T...
    private static final int WEB_STREAM = Configuration.GROUP_STREAM_ID_BASE + 1;

    private static Sample.Node node(
        final long id, final String group, final long pid, final long msgsIn, final long msgsOut, final long cpuTicks,
        final long errors)
    {
        return new Sample.Node(id, 0 == id ? "master" : "TestWorker", group, pid, 0 == id ? -1 : 0, "online",
            NOW_MS - 125_000, 0 == id ? 0 : 1, msgsIn, msgsIn * 100, msgsOut, msgsOut * 10, 0 == id ? 0 : msgsOut / 10,
            errors, cpuTicks, 50L * 1024 * 1024, "0-1",
            new long[]{msgsIn / 2, msgsIn / 4, msgsIn - msgsIn / 2 - msgsIn / 4, 0}, new long[]{0, 0, msgsOut, 0});
    }

    private static Sample sample(final long nanoTime, final long epochMs, final List<Sample.Node> nodes,
        final long publicPosition, final long webPosition)
    {
        final Sample.Cluster cluster = new Sample.Cluster(DIR, 42, true, null, nodes,
            Map.of(Configuration.PUBLIC_STREAM_ID_DEFAULT, Map.of("7/1", publicPosition),
                WEB_STREAM, Map.of("8/2", webPosition)),
            Map.of(1, "web"));
        return new Sample(nanoTime, epochMs, List.of(cluster));
    }

    private static Rates rates()
    {
        final Sample before = sample(T0_NS, NOW_MS - 2000, List.of(
            node(0, "", 42, 0, 0, 1000, 0),
            node(29, "web", 4711, 1000, 500, 300, 1)), 4096, 0);
        final Sample after = sample(T1_NS, NOW_MS, List.of(
            node(0, "", 42, 0, 0, 1100, 0),       // 100 ticks in 2 s: 50 % of a core
            node(29, "web", 4711, 3000, 1500, 310, 3),
            node(31, "web", 4712, 10, 10, 5, 0)), // new: no rates yet
            4096 + 8192, 2048);

        return Rates.between(before, after, 100);
    }

    @Test
    void shouldComputeRatesPerSecondFromTwoSamples()
    {
        final Rates rates = rates();
        assertEquals(2.0, rates.intervalS(), 1e-9);
        final Rates.ClusterRates cluster = rates.clusters().get(0);

        final Rates.NodeRates master = cluster.nodes().get(0);
        assertEquals(50.0, master.cpuPercent(), 1e-9);
        assertEquals(0.0, master.messagesInPerS(), 1e-9);

        final Rates.NodeRates web = cluster.nodes().get(1);
        assertEquals(1000.0, web.messagesInPerS(), 1e-9);
        assertEquals(500.0, web.messagesOutPerS(), 1e-9);
        assertEquals(100_000.0, web.bytesInPerS(), 1e-9);
        assertEquals(5_000.0, web.bytesOutPerS(), 1e-9);
        assertEquals(50.0, web.backPressurePerS(), 1e-9);
        assertEquals(1.0, web.errorsPerS(), 1e-9);
        assertEquals(5.0, web.cpuPercent(), 1e-9);

        assertEquals(500.0, web.messagesInPerSByStream()[Channel.Kind.PUBLIC.ordinal()], 1e-9);
        assertEquals(250.0, web.messagesInPerSByStream()[Channel.Kind.GROUP.ordinal()], 1e-9);
        assertEquals(250.0, web.messagesInPerSByStream()[Channel.Kind.PRIVATE.ordinal()], 1e-9);
        assertEquals(500.0, web.messagesOutPerSByStream()[Channel.Kind.PRIVATE.ordinal()], 1e-9);
        assertEquals(0.0, web.messagesOutPerSByStream()[Channel.Kind.PUBLIC.ordinal()], 1e-9);

        final Rates.NodeRates newcomer = cluster.nodes().get(2);
        assertTrue(Double.isNaN(newcomer.messagesInPerS()));
        assertTrue(Double.isNaN(newcomer.cpuPercent()));
        assertTrue(Double.isNaN(newcomer.messagesInPerSByStream()[Channel.Kind.PUBLIC.ordinal()]));

        // summed over the nodes with rates (the newcomer has none yet)
        assertEquals(4, cluster.kinds().size());
        assertEquals(new Rates.KindRates("public", 500.0, 0.0), cluster.kinds().get(0));
        assertEquals(new Rates.KindRates("group", 250.0, 0.0), cluster.kinds().get(1));
        assertEquals(new Rates.KindRates("private", 250.0, 500.0), cluster.kinds().get(2));
        assertEquals(new Rates.KindRates("confirmation", 0.0, 0.0), cluster.kinds().get(3));

        assertEquals(2, cluster.streams().size());
        assertEquals("public", cluster.streams().get(0).name());
        assertEquals(4096.0, cluster.streams().get(0).bytesPerS(), 1e-9);
        assertEquals("group web", cluster.streams().get(1).name());
        assertEquals(1024.0, cluster.streams().get(1).bytesPerS(), 1e-9);
    }

    @Test
    void shouldCountARespawnedProcessWithTheSameIdAsNew()
    {
        final Sample before = sample(T0_NS, NOW_MS - 1000, List.of(node(29, "web", 4711, 1000, 0, 0, 0)), 0, 0);
        final Sample after = sample(T0_NS + 1_000_000_000L, NOW_MS, List.of(node(29, "web", 9999, 5, 0, 0, 0)), 0, 0);
        assertTrue(Double.isNaN(Rates.between(before, after, 100).clusters().get(0).nodes().get(0).messagesInPerS()));
    }

    @Test
    void shouldRenderPlainTable()
    {
        final String text = MonitView.render(rates(), false);
        final String[] lines = text.split("\n");
        assertTrue(lines[0].startsWith("clustr monit  2026-"), text);
        assertTrue(lines[0].endsWith("rates per second over 2.0 s"), text);
        assertEquals(DIR + "  driver pid 42, 3 nodes", lines[2], text);
        assertEquals(List.of("ID", "NAME", "GROUP", "PID", "STATE", "RESTARTS", "UPTIME", "CPU%", "RSS", "MSG-IN/S",
            "MSG-OUT/S", "IN/S", "OUT/S", "BP/S", "ERR/S", "ERRORS"), List.of(lines[3].trim().split("\\s+")), text);
        assertEquals(List.of("0", "master", "-", "42", "online", "0", "2m05s", "50.0", "50.0M", "0.0", "0.0", "0B",
            "0B", "0.0", "0.0", "0"), List.of(lines[4].trim().split("\\s+")), text);
        assertEquals(List.of("29", "TestWorker", "web", "4711", "online", "1", "2m05s", "5.0", "50.0M", "1000",
            "500", "97.7K", "4.9K", "50.0", "1.0", "3"), List.of(lines[5].trim().split("\\s+")), text);
        assertEquals(List.of("31", "TestWorker", "web", "4712", "online", "1", "2m05s", "-", "50.0M", "-", "-", "-",
            "-", "-", "-", "0"), List.of(lines[6].trim().split("\\s+")), text);
        assertEquals("  messages/s by stream (out/in):  public 0.0/500  group 0.0/250  private 500/250  " +
            "confirmation 0.0/0.0", lines[7], text);
        assertEquals("  streams (log bytes/s):  public 4.0K  group web 1.0K", lines[8], text);
        assertEquals(9, lines.length, text);
        assertFalse(text.contains("\033"), text);
    }

    @Test
    void shouldDrawOverThePreviousFrameOnATerminal()
    {
        final String frame = MonitView.render(rates(), true);
        assertTrue(frame.startsWith(MonitView.HOME + MonitView.BOLD + "clustr monit"), frame);
        assertTrue(frame.contains("(q or Ctrl-C quits)"), frame);
        assertTrue(frame.endsWith(MonitView.CLEAR_BELOW), frame);
        // every line clears what the previous frame left to its right
        final String body = frame.substring(MonitView.HOME.length(), frame.length() - MonitView.CLEAR_BELOW.length());
        for (final String line : body.split("\n"))
        {
            assertTrue(line.endsWith(MonitView.CLEAR_LINE), line);
        }
        final String plain = MonitView.render(rates(), false);
        assertEquals(plain.split("\n").length + 1, body.split("\n").length, frame);
    }

    @Test
    void shouldSayWhenThereIsNoCluster()
    {
        final Rates rates = Rates.between(new Sample(T0_NS, NOW_MS, List.of()), new Sample(T1_NS, NOW_MS,
            List.of()), 100);
        assertTrue(MonitView.render(rates, false).contains("no clustr cluster on this host"));
    }
}
