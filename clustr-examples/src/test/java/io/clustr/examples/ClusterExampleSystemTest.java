package io.clustr.examples;

import io.clustr.examples.cluster.ClusterMaster;
import io.clustr.spawn.CpuSet;
import io.clustr.spawn.Supervisor;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs Node's cluster example as {@code ./example cluster --port 0} does: a master JVM that spawns HTTP worker JVMs
 * sharing one port, one per CPU. The test sends 2,000 requests over 8 client threads, each on a new connection so
 * that the kernel spreads them over the workers' sockets; every one is answered "hello world" with the answering
 * worker's id in a header; more than one worker answered; and the master counted exactly as many requests, per
 * worker as the responses say. No sleeping: a worker publishes its notice before it answers, so once the test has
 * every answer the master's count can only rise to 2,000 (the test waits for that line), and the totals the master
 * prints after it stops show that nothing more arrived.
 */
@InterruptAfter(240)
class ClusterExampleSystemTest
{
    private static final int REQUESTS = 2_000;
    private static final int CLIENT_THREADS = 8;
    private static final Pattern DRIVER_DIRECTORY = Pattern.compile("media driver in (\\S+)");
    private static final Pattern ALL_LISTENING =
        Pattern.compile("all (\\d+) workers listening on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final Pattern LISTENING =
        Pattern.compile("worker (\\d+) \\(pid (\\d+), cpu ([0-9,-]*)\\) listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern COUNT = Pattern.compile("\\[master] requests: (\\d+)");
    private static final Pattern TOTAL = Pattern.compile("total requests: (\\d+) \\(([^)]*)\\)");

    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    @Test
    void shouldSpreadRequestsOverWorkersSharingAPortAndCountEachOnce() throws Exception
    {
        final boolean isPerCpu = CpuSet.allowed().size() >= 2;
        final Path output = Files.createTempFile("clustr-cluster-example", ".log");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Supervisor.Configuration.ADD_OPENS_JVM_ARGS);
        command.addAll(List.of("-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
            ClusterMaster.class.getName(), "--port", "0"));
        if (!isPerCpu)
        {
            command.addAll(List.of("--workers", "2"));     // one CPU: still two workers to spread over
        }
        final Process master = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
        try
        {
            Tests.await(() -> DRIVER_DIRECTORY.matcher(read(output)).find() || !master.isAlive(),
                Duration.ofSeconds(60), () -> "the master's driver directory in:\n" + read(output));
            final Matcher started = DRIVER_DIRECTORY.matcher(read(output));
            assertTrue(started.find(), read(output));
            final String driverDirectory = started.group(1);
            watcher.watch(driverDirectory);

            Tests.await(() -> ALL_LISTENING.matcher(read(output)).find() || !master.isAlive(),
                Duration.ofSeconds(90), () -> "every worker listening, in:\n" + read(output));
            final Matcher allListening = ALL_LISTENING.matcher(read(output));
            assertTrue(allListening.find(), read(output));
            final int workers = Integer.parseInt(allListening.group(1));
            final int port = Integer.parseInt(allListening.group(2));
            final Set<Long> workerPids = checkListening(read(output), workers, port, isPerCpu);

            final Map<String, AtomicLong> answeredBy = sendRequests(port);
            long answered = 0;
            for (final AtomicLong count : answeredBy.values())
            {
                answered += count.get();
            }
            assertEquals(REQUESTS, answered);
            assertTrue(answeredBy.size() > 1, "more than one worker answered: " + answeredBy);
            System.out.println(workers + " workers on port " + port + ", answers by worker id: " + answeredBy);

            // the notices were all published before the answers: the count reaches exactly REQUESTS
            Tests.await(() -> lastCount(read(output)) >= REQUESTS, Duration.ofSeconds(30),
                () -> "the master counting " + REQUESTS + " requests, in:\n" + read(output));

            master.destroy();                                  // SIGTERM, as Ctrl-C would
            assertTrue(master.waitFor(30, TimeUnit.SECONDS), "the master exits on SIGTERM");
            final String log = read(output);
            assertEquals(143, master.exitValue(), log);
            assertEquals(REQUESTS, maxCount(log), "no count beyond the requests sent:\n" + log);

            final Matcher total = TOTAL.matcher(log);
            assertTrue(total.find(), "the totals, in:\n" + log);
            assertEquals(REQUESTS, Long.parseLong(total.group(1)), log);
            final Map<String, Long> countedByMaster = new TreeMap<>();
            for (final String part : total.group(2).split(", "))
            {
                final String[] idAndCount = part.substring("worker ".length()).split(": ");
                countedByMaster.put(idAndCount[0], Long.parseLong(idAndCount[1]));
            }
            final Map<String, Long> seenByClient = new TreeMap<>();
            answeredBy.forEach((id, count) -> seenByClient.put(id, count.get()));
            assertEquals(seenByClient, countedByMaster, "the master counted each worker's answers");

            assertFalse(Files.exists(Path.of(driverDirectory)), "driver directory left behind: " + driverDirectory);
            for (final long pid : workerPids)
            {
                Tests.await(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    Duration.ofSeconds(10), () -> "worker " + pid + " outlived the master");
            }
        }
        finally
        {
            master.destroyForcibly();
            master.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(output);
        }
    }

    /**
     * Each worker announced the shared port once; with one worker per CPU, each is pinned to a CPU of its own and
     * together they cover every CPU this process may use.
     */
    private static Set<Long> checkListening(
        final String log, final int workers, final int port, final boolean isPerCpu)
    {
        final Matcher listening = LISTENING.matcher(log);
        final Set<Long> ids = new HashSet<>();
        final Set<Long> pids = new HashSet<>();
        final List<Integer> cpus = new ArrayList<>();
        while (listening.find())
        {
            assertEquals(port, Integer.parseInt(listening.group(4)), listening.group());
            assertTrue(ids.add(Long.parseLong(listening.group(1))), "one announcement per worker: " + log);
            pids.add(Long.parseLong(listening.group(2)));
            final CpuSet cpu = CpuSet.parse(listening.group(3));
            assertEquals(1, cpu.size(), "pinned to one CPU: " + listening.group());
            cpus.add(cpu.first());
        }
        assertEquals(workers, ids.size(), log);
        if (isPerCpu)
        {
            assertEquals(CpuSet.allowed().size(), workers, "one worker per CPU: " + log);
            assertEquals(CpuSet.allowed(), CpuSet.of(cpus.stream().mapToInt(Integer::intValue).toArray()), log);
        }

        return pids;
    }

    /**
     * {@link #REQUESTS} requests, each on a new connection, from {@link #CLIENT_THREADS} threads at once.
     *
     * @return how many answers each worker gave, by the worker id in the response header.
     */
    private static Map<String, AtomicLong> sendRequests(final int port) throws Exception
    {
        final Map<String, AtomicLong> answeredBy = new ConcurrentHashMap<>();
        final ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
        try
        {
            final List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < CLIENT_THREADS; t++)
            {
                done.add(clients.submit(() ->
                {
                    for (int i = 0; i < REQUESTS / CLIENT_THREADS; i++)
                    {
                        final String worker = get(port);
                        answeredBy.computeIfAbsent(worker, (w) -> new AtomicLong()).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (final Future<?> future : done)
            {
                future.get(120, TimeUnit.SECONDS);
            }
        }
        finally
        {
            clients.shutdownNow();
        }

        return answeredBy;
    }

    /**
     * One GET on a new connection.
     *
     * @return the id of the worker that answered.
     */
    private static String get(final int port) throws IOException
    {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port))
        {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(
                "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            final String response = readAll(socket.getInputStream());
            assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
            assertTrue(response.endsWith("\r\n\r\nhello world\n"), response);
            final Matcher worker = Pattern.compile("\r\nX-Clustr-Worker: (\\d+)\r\n").matcher(response);
            assertTrue(worker.find(), response);

            return worker.group(1);
        }
    }

    private static String readAll(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private static long lastCount(final String log)
    {
        long last = -1;
        final Matcher count = COUNT.matcher(log);
        while (count.find())
        {
            last = Long.parseLong(count.group(1));
        }
        return last;
    }

    private static long maxCount(final String log)
    {
        long max = -1;
        final Matcher count = COUNT.matcher(log);
        while (count.find())
        {
            max = Math.max(max, Long.parseLong(count.group(1)));
        }
        return max;
    }

    private static String read(final Path file)
    {
        try
        {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot read " + file, ex);
        }
    }
}
