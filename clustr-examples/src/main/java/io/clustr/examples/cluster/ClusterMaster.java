package io.clustr.examples.cluster;

import io.clustr.LifecycleListener;
import io.clustr.Master;
import io.clustr.Message;
import io.clustr.Readiness;
import io.clustr.WorkerHandle;
import io.clustr.patterns.net.SharedPort;
import io.clustr.spawn.CpuSet;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.Spec;
import org.agrona.collections.Long2LongHashMap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.cpu;
import static io.clustr.spawn.SpawnOption.name;
import static io.clustr.spawn.Spec.spec;

/**
 * Node's cluster example, clustr's way: the master spawns one {@link HelloWorker} per CPU it may use, each pinned to
 * its CPU ({@link Spec#perCpu(String, io.clustr.spawn.SpawnOption...)}, Node's auto-fork); the workers share one
 * port through SO_REUSEPORT, so the kernel spreads connections among them; each worker announces where it listens
 * (the {@code listening} event) and tells the master of every request; the master prints the count every second,
 * and the total per worker when it stops (Ctrl-C). Node's:
 * <pre>{@code
 * if (cluster.isPrimary) {
 *   let numReqs = 0;
 *   setInterval(() => console.log(`numReqs = ${numReqs}`), 1000);
 *   for (let i = 0; i < os.availableParallelism(); i++) cluster.fork();
 *   for (const id in cluster.workers) cluster.workers[id].on('message', (msg) => {
 *     if (msg.cmd && msg.cmd === 'notifyRequest') numReqs += 1;
 *   });
 * }
 * }</pre>
 * Arguments: {@code --port <port>} (8000; 0 picks a free one), {@code --host <ip>} (127.0.0.1; 0.0.0.0 for every
 * interface), {@code --workers <n>} (one per CPU unless given: then pinned round robin over the CPUs).
 */
public final class ClusterMaster
{
    private static final byte[] NOTIFY_REQUEST = HelloWorker.NOTIFY_REQUEST.getBytes(StandardCharsets.US_ASCII);

    private ClusterMaster()
    {
    }

    /**
     * Run the cluster until SIGINT or SIGTERM.
     *
     * @param args {@code [--port <port>] [--host <ip>] [--workers <n>]}.
     * @throws Exception if the port cannot be found or the master cannot start.
     */
    public static void main(final String[] args) throws Exception
    {
        String host = "127.0.0.1";
        int port = 8000;
        int workerCount = -1;
        for (int i = 0; i < args.length; i++)
        {
            final String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--host" -> host = required(args[i], value);
                case "--port" -> port = Integer.parseInt(required(args[i], value));
                case "--workers" -> workerCount = Integer.parseInt(required(args[i], value));
                default -> throw new IllegalArgumentException(
                    "unknown argument '" + args[i] + "': use [--port <port>] [--host <ip>] [--workers <n>]");
            }
            i++;
        }
        if (0 == port)
        {
            port = freePort(host);
        }

        final AtomicLong requests = new AtomicLong();
        final Long2LongHashMap requestsByWorker = new Long2LongHashMap(0);
        final Set<Long> listening = new HashSet<>();                      // touched on the duty cycle only
        final String url = "http://" + host + ":" + port + "/";

        // tag::master[]
        final Master master = Master.create();
        log("master started: pid " + ProcessHandle.current().pid() + ", media driver in " +
            master.aeronDirectoryName());

        master.onPrivate((msg) ->
        {
            if (isNotifyRequest(msg))
            {
                requests.incrementAndGet();
                requestsByWorker.put(msg.senderId(), requestsByWorker.get(msg.senderId()) + 1);
            }
        });

        // a replacement in `clustr reload web` is ready once it listens; the old worker then drains and exits
        master.readiness("web", Readiness.listening());
        final List<Spec> specs = specs(host, port, workerCount);
        master.onLifecycle(new LifecycleListener()
        {
            public void onListening(final WorkerHandle worker, final InetSocketAddress address)
            {
                log("worker " + worker.id() + " (pid " + worker.pid() + ", cpu " + worker.spec().cpus() +
                    ") listening on " + address.getAddress().getHostAddress() + ":" + address.getPort());
                if (listening.add(worker.id()) && listening.size() == specs.size())
                {
                    log("all " + specs.size() + " workers listening on " + url + " (Ctrl-C stops)");
                }
            }

            public void onExit(final WorkerHandle worker, final ExitStatus status, final boolean respawning)
            {
                listening.remove(worker.id());
                log("worker " + worker.id() + " exited: " + status.reason() + (respawning ? ", respawning" : ""));
            }
        });

        log("spawning " + specs.size() + " workers" + (workerCount < 0 ? ", one per CPU (" +
            CpuSet.allowed() + ")" : "") + ", to share " + url);
        master.spawn(specs);

        printEverySecond(master, requests);
        // end::master[]

        // Ctrl-C or SIGTERM: the master's own shutdown hook closes it (stopping the workers); this one waits for
        // that, then prints the totals, which no handler changes any more.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> printTotals(master, requests, requestsByWorker),
            "totals"));

        master.awaitTermination();
    }

    private static void printEverySecond(final Master master, final AtomicLong requests)
    {
        final Thread ticker = new Thread(() ->
        {
            try
            {
                while (!master.awaitTermination(Duration.ofSeconds(1)))
                {
                    log("requests: " + requests.get());
                }
            }
            catch (final InterruptedException ignore)
            {
                // the JVM is stopping
            }
        }, "ticker");
        ticker.setDaemon(true);
        ticker.start();
    }

    private static void printTotals(
        final Master master, final AtomicLong requests, final Long2LongHashMap requestsByWorker)
    {
        master.close();
        try
        {
            master.awaitTermination(Duration.ofSeconds(10));
        }
        catch (final InterruptedException ignore)
        {
            Thread.currentThread().interrupt();
        }

        final List<String> byWorker = new ArrayList<>();
        for (final long id : new TreeSet<>(requestsByWorker.keySet()))
        {
            byWorker.add("worker " + id + ": " + requestsByWorker.get(id));
        }
        log("total requests: " + requests.get() + " (" + String.join(", ", byWorker) + ")");
    }

    private static List<Spec> specs(final String host, final int port, final int workerCount)
    {
        if (workerCount < 0)
        {
            // tag::perCpu[]
            return Spec.perCpu(HelloWorker.class.getName(), name("hello"), args(host, Integer.toString(port)));
            // end::perCpu[]
        }
        if (0 == workerCount)
        {
            throw new IllegalArgumentException("--workers 0: give at least 1, or leave it out for one per CPU");
        }

        final int[] cpus = CpuSet.allowed().toArray();
        final List<Spec> specs = new ArrayList<>(workerCount);
        for (int i = 0; i < workerCount; i++)
        {
            specs.add(spec(HelloWorker.class.getName(), name("hello"), cpu(cpus[i % cpus.length]),
                args(host, Integer.toString(port))));
        }

        return specs;
    }

    /**
     * Port 0: a port that is free now (a small race with other processes remains until the workers bind it).
     */
    private static int freePort(final String host) throws IOException
    {
        try (ServerSocketChannel probe = SharedPort.open(new InetSocketAddress(host, 0)))
        {
            return ((InetSocketAddress)probe.getLocalAddress()).getPort();
        }
    }

    private static boolean isNotifyRequest(final Message msg)
    {
        if (msg.length() != NOTIFY_REQUEST.length)
        {
            return false;
        }
        for (int i = 0; i < NOTIFY_REQUEST.length; i++)
        {
            if (msg.buffer().getByte(msg.offset() + i) != NOTIFY_REQUEST[i])
            {
                return false;
            }
        }

        return true;
    }

    private static String required(final String option, final String value)
    {
        if (null == value)
        {
            throw new IllegalArgumentException(option + " needs a value");
        }

        return value;
    }

    static void log(final String message)
    {
        System.out.println("[master] " + message);
    }
}
