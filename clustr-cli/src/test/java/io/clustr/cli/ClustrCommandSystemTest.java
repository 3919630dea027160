package io.clustr.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.clustr.Channel;
import io.clustr.LifecycleListener;
import io.clustr.Master;
import io.clustr.Options;
import io.clustr.WorkerHandle;
import io.clustr.WorkerInfo;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.SpawnOption;
import io.clustr.spawn.Spec;
import io.clustr.system.TestWorker;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The clustr command against a real cluster: a master in this JVM on its own driver directory under /dev/shm and two
 * worker JVMs ({@link TestWorker}), the command run in-process (picocli, output captured) and once as its own JVM.
 */
@InterruptAfter(90)
class ClustrCommandSystemTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private final String aeronDir = new File("/dev/shm", "clustr-test-cli-" + UUID.randomUUID()).getPath();
    private final Set<Long> ready = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<String> reports = new LinkedBlockingQueue<>();
    private final Map<Long, ExitStatus> exits = new ConcurrentHashMap<>();
    private Master master;
    private WorkerHandle web;
    private WorkerHandle cache;

    @BeforeEach
    void startCluster()
    {
        master = Master.create(Options.aeronDirectory(aeronDir), Options.killGrace(Duration.ofSeconds(3)));
        watcher.watch(aeronDir);
        master.onPrivate((msg) -> reports.add(msg.text()));
        master.onConfirmation(1, "ready", (confirmations) -> ready.add(confirmations.get(0).senderId()));
        master.onLifecycle(new LifecycleListener()
        {
            public void onExit(final WorkerHandle worker, final ExitStatus status, final boolean respawning)
            {
                exits.put(worker.id(), status);
            }
        });

        final List<WorkerHandle> workers = master.spawn(List.of(
            Spec.spec(TestWorker.class.getName(), SpawnOption.args("web", "ready")),
            Spec.spec(TestWorker.class.getName(), SpawnOption.args("cache", "ready"))));
        web = workers.get(0);
        cache = workers.get(1);
        for (final WorkerHandle worker : workers)
        {
            Tests.await(() -> ready.contains(worker.id()), TIMEOUT, () -> "worker " + worker.id() + " ready");
        }
    }

    @AfterEach
    void stopCluster()
    {
        if (null != master)
        {
            master.close();
        }
        assertFalse(new File(aeronDir).exists(), "driver directory left behind: " + aeronDir);
    }

    @Test
    void lsListsTheWorkersWithTheirPidsGroupsAndMessageCounts()
    {
        // 5 messages to the web worker, each reported back to the master: 5 in, 5 out (and its "ready")
        for (int i = 0; i < 5; i++)
        {
            master.publish(Channel.worker(web.id()), "hello " + i);
        }
        for (int i = 0; i < 5; i++)
        {
            Tests.poll(reports, TIMEOUT, () -> "a report from the web worker");
        }

        Tests.await(() ->
        {
            final JsonObject node = node(ourCluster(lsJson()), web.id());
            return node.get("messagesIn").getAsLong() >= 5 && node.get("messagesOut").getAsLong() >= 6;
        }, TIMEOUT, "clustr ls --json shows the web worker's 5 messages in and 6 out");

        final JsonObject cluster = ourCluster(lsJson());
        assertTrue(cluster.get("driverAlive").getAsBoolean());
        assertEquals(ProcessHandle.current().pid(), cluster.get("driverPid").getAsLong());
        final JsonArray nodes = cluster.getAsJsonArray("nodes");
        assertEquals(3, nodes.size(), nodes::toString);

        final JsonObject masterNode = node(cluster, 0);
        assertEquals(ProcessHandle.current().pid(), masterNode.get("pid").getAsLong());
        assertEquals("", masterNode.get("group").getAsString());
        assertEquals("online", masterNode.get("state").getAsString());

        final JsonObject webNode = node(cluster, web.id());
        assertEquals(web.pid(), webNode.get("pid").getAsLong());
        assertEquals("web", webNode.get("group").getAsString());
        assertEquals("online", webNode.get("state").getAsString());
        assertEquals(0, webNode.get("parentId").getAsLong());
        assertEquals(0, webNode.get("restarts").getAsLong());
        assertEquals(TestWorker.class.getSimpleName(), webNode.get("name").getAsString());
        assertEquals(Proc.cpus(web.pid()), webNode.get("cpus").getAsString());
        assertFalse(webNode.get("cpus").getAsString().isEmpty());
        assertTrue(webNode.get("rssBytes").getAsLong() > 0);
        assertTrue(webNode.get("uptimeMs").getAsLong() >= 0);
        assertTrue(webNode.get("bytesIn").getAsLong() >= 5 * "hello 0".length());

        final JsonObject cacheNode = node(cluster, cache.id());
        assertEquals(cache.pid(), cacheNode.get("pid").getAsLong());
        assertEquals("cache", cacheNode.get("group").getAsString());

        // the table, found by scanning the host (no --dir): our directory and a row per worker
        final Result table = run("ls", "--sample", "0");
        assertEquals(0, table.exitCode, table::toString);
        assertTrue(table.out.contains(aeronDir), table::toString);
        assertTrue(hasRow(table.out, web.id(), web.pid(), "web"), table::toString);
        assertTrue(hasRow(table.out, cache.id(), cache.pid(), "cache"), table::toString);
    }

    @Test
    void lsAndStatShowMessagesAndBytesInAndOutPerStream()
    {
        // known traffic from the master: 3 public, 4 to group web, 5 private to the web worker; each worker reports
        // every message it handles back to the master's private stream (web: 12, cache: its 3 public)
        final List<String> publicTexts = List.of("p0", "p-1", "p--2");
        final List<String> groupTexts = List.of("g0", "g-1", "g--2", "g---3");
        final List<String> privateTexts = List.of("x0", "x-1", "x--2", "x---3", "x----4");
        publicTexts.forEach((text) -> master.publish(Channel.PUBLIC, text));
        groupTexts.forEach((text) -> master.publish(Channel.group("web"), text));
        privateTexts.forEach((text) -> master.publish(Channel.worker(web.id()), text));

        long webReportBytes = 0;
        long cacheReportBytes = 0;
        for (int i = 0; i < 15; i++)
        {
            final String report = Tests.poll(reports, TIMEOUT, () -> "a report from a worker");
            if (report.split("\\|")[1].equals(Long.toString(web.id())))
            {
                webReportBytes += bytes(report);
            }
            else
            {
                cacheReportBytes += bytes(report);
            }
        }

        // sent counts are brought up to date every 100 ms: wait until every sender's are, then they are exact
        Tests.await(() ->
        {
            final JsonObject cluster = ourCluster(lsJson());
            return stream(node(cluster, 0), "private").get("messagesOut").getAsLong() >= 5 &&
                stream(node(cluster, web.id()), "private").get("messagesOut").getAsLong() >= 12 &&
                stream(node(cluster, cache.id()), "private").get("messagesOut").getAsLong() >= 3;
        }, TIMEOUT, "clustr ls --json shows every sender's private messages out");

        final JsonObject cluster = ourCluster(lsJson());
        final JsonObject masterNode = node(cluster, 0);
        assertStream(masterNode, "public", 0, 0, 3, bytes(publicTexts));
        assertStream(masterNode, "group", 0, 0, 4, bytes(groupTexts));
        assertStream(masterNode, "private", 15, webReportBytes + cacheReportBytes, 5, bytes(privateTexts));
        assertStream(masterNode, "confirmation", 2, 2 * bytes("ready"), 0, 0);
        assertEquals(15, masterNode.get("messagesIn").getAsLong(), masterNode::toString);
        assertEquals(12, masterNode.get("messagesOut").getAsLong(), masterNode::toString);

        final JsonObject webNode = node(cluster, web.id());
        assertStream(webNode, "public", 3, bytes(publicTexts), 0, 0);
        assertStream(webNode, "group", 4, bytes(groupTexts), 0, 0);
        assertStream(webNode, "private", 5, bytes(privateTexts), 12, webReportBytes);
        assertStream(webNode, "confirmation", 0, 0, 1, bytes("ready"));
        assertEquals(12, webNode.get("messagesIn").getAsLong(), webNode::toString);
        assertEquals(bytes(publicTexts) + bytes(groupTexts) + bytes(privateTexts),
            webNode.get("bytesIn").getAsLong(), webNode::toString);
        assertEquals(13, webNode.get("messagesOut").getAsLong(), webNode::toString);

        final JsonObject cacheNode = node(cluster, cache.id());
        assertStream(cacheNode, "public", 3, bytes(publicTexts), 0, 0);
        assertStream(cacheNode, "group", 0, 0, 0, 0);
        assertStream(cacheNode, "private", 0, 0, 3, cacheReportBytes);
        assertStream(cacheNode, "confirmation", 0, 0, 1, bytes("ready"));

        // the same figures in the table and in clustr stat, whose labels name the node
        final Result table = run("ls", "--sample", "0", "--dir", aeronDir);
        System.out.println(table.out); // the per-stream samples in docs/operations.md come from here
        assertEquals(0, table.exitCode, table::toString);
        assertTrue(hasLine(table.out, " " + web.pid() + " ", " 3/4/5/0 ", " 0/0/12/1 "), table::toString);
        assertTrue(hasLine(table.out, " " + cache.pid() + " ", " 3/0/0/0 ", " 0/0/3/1 "), table::toString);

        final Result stat = run("stat", "--clustr", "--dir", aeronDir);
        System.out.println(stat.out);
        assertEquals(0, stat.exitCode, stat::toString);
        final String webLabel = ": node=" + web.id() + " name=TestWorker group=web pid=" + web.pid();
        assertEquals(3, statValue(stat.out, "clustr public messages received" + webLabel), stat::toString);
        assertEquals(4, statValue(stat.out, "clustr group messages received" + webLabel), stat::toString);
        assertEquals(5, statValue(stat.out, "clustr private messages received" + webLabel), stat::toString);
        assertEquals(12, statValue(stat.out, "clustr private messages sent" + webLabel), stat::toString);
        assertEquals(webReportBytes, statValue(stat.out, "clustr private bytes sent" + webLabel), stat::toString);
        assertEquals(2, statValue(stat.out, "clustr confirmation messages received: node=0 name="),
            stat::toString);
        // a worker never receives confirmations: it has no such counter
        assertFalse(stat.out.contains("clustr confirmation messages received" + webLabel), stat::toString);
    }

    private static long bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static long bytes(final List<String> texts)
    {
        return texts.stream().mapToLong(ClustrCommandSystemTest::bytes).sum();
    }

    private static JsonObject stream(final JsonObject node, final String kind)
    {
        return node.getAsJsonObject("streams").getAsJsonObject(kind);
    }

    private static void assertStream(
        final JsonObject node,
        final String kind,
        final long messagesIn,
        final long bytesIn,
        final long messagesOut,
        final long bytesOut)
    {
        final JsonObject stream = stream(node, kind);
        final String what = node.get("name").getAsString() + "#" + node.get("id").getAsLong() + " " + kind + ": " +
            stream;
        assertEquals(messagesIn, stream.get("messagesIn").getAsLong(), what);
        assertEquals(bytesIn, stream.get("bytesIn").getAsLong(), what);
        assertEquals(messagesOut, stream.get("messagesOut").getAsLong(), what);
        assertEquals(bytesOut, stream.get("bytesOut").getAsLong(), what);
    }

    /**
     * @return the VALUE of the one {@code clustr stat} line whose label contains the text.
     */
    private static long statValue(final String out, final String label)
    {
        Long value = null;
        for (final String line : out.split("\n"))
        {
            if (line.contains(label))
            {
                assertNull(value, () -> "more than one line with " + label + ":\n" + out);
                value = Long.parseLong(line.trim().split("\\s+")[2]);
            }
        }
        assertNotNull(value, () -> "no line with " + label + ":\n" + out);

        return value;
    }

    @Test
    void lsRunsAsItsOwnProcess() throws IOException, InterruptedException
    {
        final Path addOpens = Path.of("..", "config", "jvm", "add-opens.args").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(addOpens), addOpens::toString);
        final Path output = Files.createTempFile("clustr-ls", ".json");
        try
        {
            final Process process = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + addOpens, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                ClustrCommand.class.getName(), "ls", "--json", "--dir", aeronDir)
                .redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new AssertionError("clustr ls did not finish in " + TIMEOUT);
            }
            final String json = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), json);

            final JsonObject cluster = ourCluster(JsonParser.parseString(json).getAsJsonObject());
            assertEquals(web.pid(), node(cluster, web.id()).get("pid").getAsLong());
            assertEquals("web", node(cluster, web.id()).get("group").getAsString());
            assertEquals(cache.pid(), node(cluster, cache.id()).get("pid").getAsLong());
            assertEquals("cache", node(cluster, cache.id()).get("group").getAsString());
        }
        finally
        {
            Files.deleteIfExists(output);
        }
    }

    @Test
    void killKillsTheWorkerWithTheCodeAndTheMasterSeesItsExit()
    {
        final Result result = run("kill", Long.toString(cache.id()), "7", "--dir", aeronDir);
        assertEquals(0, result.exitCode, result::toString);
        assertTrue(result.out.contains("has exited"), result::toString);

        Tests.await(() -> exits.containsKey(cache.id()), TIMEOUT, "the master's onExit for the killed worker");
        assertEquals(7, exits.get(cache.id()).code(), () -> exits.get(cache.id()).toString());
        assertFalse(exits.containsKey(web.id()), exits::toString);

        // the operator never joined: every member the master knows is a worker it spawned (the cache worker's
        // respawned successor may be among them), none is the killed one
        for (final WorkerInfo worker : master.workers())
        {
            assertEquals(0, worker.parentId(), worker::toString);
            assertNotEquals(cache.id(), worker.id(), worker::toString);
        }
    }

    @Test
    void killOfAnUnknownIdSaysWhichNodesThereAre()
    {
        final Result result = run("kill", "999999", "--dir", aeronDir);
        assertEquals(1, result.exitCode, result::toString);
        assertTrue(result.err.contains("no live node with id 999999"), result::toString);
        assertTrue(result.err.contains(web.id() + " in "), result::toString);
    }

    @Test
    void statShowsTheCountersWithNodeNames()
    {
        final Result result = run("stat", "--dir", aeronDir);
        assertEquals(0, result.exitCode, result::toString);
        final String webName = TestWorker.class.getSimpleName() + "#" + web.id();
        assertTrue(result.out.contains(
            "clustr messages received: node=" + web.id() + " name=TestWorker group=web pid=" + web.pid()),
            result::toString);
        assertTrue(hasLine(result.out, webName, "client-heartbeat"), result::toString);
        assertTrue(hasLine(result.out, webName, "clustr back pressure"), result::toString);
        assertTrue(hasLine(result.out, "master#0", "clustr node: id=0"), result::toString);
    }

    @Test
    void shouldFindAMasterInItsOwnDirectoryWithoutBeingToldWhere()
    {
        // a master with no aeronDirectory makes /dev/shm/clustr-<pid>-<random>/ and runs its driver in driver/ there
        try (Master own = Master.create(Options.killGrace(Duration.ofSeconds(3))))
        {
            assertTrue(own.aeronDirectoryName().endsWith("/driver"), own.aeronDirectoryName());
            final Result table = run("ls", "--sample", "0");
            assertEquals(0, table.exitCode, table::toString);
            assertTrue(table.out.contains(own.aeronDirectoryName()), table::toString);
        }
    }

    private static boolean hasLine(final String out, final String... parts)
    {
        for (final String line : out.split("\n"))
        {
            boolean all = true;
            for (final String part : parts)
            {
                all &= line.contains(part);
            }
            if (all)
            {
                return true;
            }
        }

        return false;
    }

    private static boolean hasRow(final String out, final long id, final long pid, final String group)
    {
        for (final String line : out.split("\n"))
        {
            final String[] cells = line.trim().split("\\s+");
            if (cells.length > 4 && cells[0].equals(Long.toString(id)) && cells[2].equals(group) &&
                cells[3].equals(Long.toString(pid)) && line.contains("online"))
            {
                return true;
            }
        }

        return false;
    }

    private JsonObject lsJson()
    {
        final Result result = run("ls", "--json", "--sample", "100", "--dir", aeronDir);
        assertEquals(0, result.exitCode, result::toString);
        return JsonParser.parseString(result.out).getAsJsonObject();
    }

    private JsonObject ourCluster(final JsonObject ls)
    {
        final List<String> seen = new ArrayList<>();
        for (final var element : ls.getAsJsonArray("clusters"))
        {
            final JsonObject cluster = element.getAsJsonObject();
            seen.add(cluster.get("directory").getAsString());
            if (Path.of(aeronDir).equals(Path.of(cluster.get("directory").getAsString())))
            {
                return cluster;
            }
        }

        throw new AssertionError("no cluster " + aeronDir + " in " + seen);
    }

    private static JsonObject node(final JsonObject cluster, final long id)
    {
        for (final var element : cluster.getAsJsonArray("nodes"))
        {
            if (element.getAsJsonObject().get("id").getAsLong() == id)
            {
                return element.getAsJsonObject();
            }
        }

        throw new AssertionError("no node " + id + " in " + cluster);
    }

    private static Result run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = ClustrCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        final int exitCode = commandLine.execute(args);
        final Result result = new Result(exitCode, out.toString(), err.toString());
        assertNotNull(result.out);

        return result;
    }

    private record Result(int exitCode, String out, String err)
    {
    }
}
