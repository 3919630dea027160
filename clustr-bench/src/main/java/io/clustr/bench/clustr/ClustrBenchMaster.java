package io.clustr.bench.clustr;

import io.clustr.Master;
import io.clustr.WorkerHandle;
import io.clustr.bench.Args;
import io.clustr.bench.workload.BenchLine;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.SpawnOption;
import io.clustr.spawn.Spec;
import io.clustr.spawn.Supervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.cpu;
import static io.clustr.spawn.SpawnOption.jvmArgs;
import static io.clustr.spawn.SpawnOption.name;
import static io.clustr.spawn.Spec.spec;

/**
 * The master process of one clustr bench scenario, started by the orchestrator with the same JVM options as the
 * raw Aeron processes plus {@code -Dclustr.*} properties that clustr passes on to the workers it spawns. It embeds
 * the media driver (clustr's default), spawns the bench workers with clustr's own spawn, and prints the
 * {@code BENCH} lines the workers send to its private stream.
 * <ul>
 *     <li>{@code throughput}: N subscribers, then one publisher, on the public, group or private stream.</li>
 *     <li>{@code rtt}: a ponger, then a pinger, on private streams.</li>
 *     <li>{@code spawn}: after {@code --warmup-spawns} untimed spawns of one worker (the spawner may build a cache,
 *     such as a class-data archive, on its first spawn; their times are printed as {@code bench=spawn_warmup}),
 *     spawn 1 and 8 idle workers, {@code --reps} times each, interleaved; each time runs from just before
 *     {@code spawn} until all their "ready" confirmations have arrived.</li>
 *     <li>{@code idle}: spawn N idle workers, print the pids, then stay idle until terminated.</li>
 * </ul>
 */
public final class ClustrBenchMaster
{
    private static final long READY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    /**
     * Extra JVM arguments for every worker, blank separated (e.g. a JFR recording when profiling).
     */
    public static final String WORKER_JVM_ARGS_PROP_NAME = "bench.worker.jvm.args";

    private final AtomicInteger readyCount = new AtomicInteger();
    private final AtomicLong readyTargetCount = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong readyTargetReachedNs = new AtomicLong();
    private final AtomicInteger benchLines = new AtomicInteger();
    private final AtomicInteger linkParts = new AtomicInteger();
    private final AtomicInteger expectedLinkParts = new AtomicInteger();
    private final Args args;
    private Master master;

    private ClustrBenchMaster(final Args args)
    {
        this.args = args;
    }

    /**
     * Entry point.
     *
     * @param args {@code --dir <aeron dir> --scenario throughput|rtt|spawn|idle [--stream s] [--subscribers n]
     *             [--sizes 32,1024] [--warmup-ms n] [--duration-ms n] [--counts 1,8] [--reps n]
     *             [--warmup-spawns n] [--workers n]}.
     * @throws InterruptedException if interrupted while waiting.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        new ClustrBenchMaster(Args.parse(args)).run();
    }

    private void run() throws InterruptedException
    {
        try (Master master = Master.launch(new Master.Context().aeronDirectoryName(args.required("dir"))))
        {
            this.master = master;
            master.onPrivate((msg) ->
            {
                final String text = msg.text();
                if (text.startsWith(BenchLine.LINK_PART_PREFIX))
                {
                    System.out.println(text);
                    linkParts.incrementAndGet();
                }
                else if (text.startsWith(BenchLine.PREFIX))
                {
                    System.out.println(text);
                    expectedLinkParts.addAndGet(linkParts(text));
                    benchLines.incrementAndGet();
                }
            });
            master.onConfirmation(1, ClustrBench.READY, () ->
            {
                if (readyCount.incrementAndGet() >= readyTargetCount.get())
                {
                    readyTargetReachedNs.compareAndSet(0, System.nanoTime());
                }
            });
            System.out.println(BenchLine.format("bench", "master", "pid", ProcessHandle.current().pid()));

            final String scenario = args.required("scenario");
            switch (scenario)
            {
                case "throughput":
                    throughput();
                    break;

                case "rtt":
                    rtt();
                    break;

                case "spawn":
                    spawnTime();
                    break;

                case "archive":
                    archive();
                    break;

                case "idle":
                    idle();
                    break;

                default:
                    throw new IllegalArgumentException("unknown scenario: " + scenario);
            }
        }
    }

    private static Spec worker(final Class<?> mainClass, final String name, final String... args)
    {
        return pinnedWorker(mainClass, name, -1, args);
    }

    /**
     * @param cpu every thread of the worker on this CPU (clustr-spawn's {@code cpu(n)}), or -1 for unpinned.
     */
    private static Spec pinnedWorker(final Class<?> mainClass, final String name, final int cpu, final String... args)
    {
        final List<SpawnOption> options = new ArrayList<>(List.of(args(args), name(name)));
        final String extra = System.getProperty(WORKER_JVM_ARGS_PROP_NAME, "").trim();
        if (!extra.isEmpty())
        {
            options.add(jvmArgs(extra.split("\\s+")));
        }
        if (cpu >= 0)
        {
            options.add(cpu(cpu));
        }

        return spec(mainClass.getName(), options.toArray(new SpawnOption[0]));
    }

    private List<String> timedArgs()
    {
        final List<String> timed = new ArrayList<>();
        timed.add("--sizes");
        timed.add(args.string("sizes", "32,1024"));
        timed.add("--warmup-ms");
        timed.add(args.string("warmup-ms", "1000"));
        timed.add("--duration-ms");
        timed.add(args.string("duration-ms", "2000"));
        return timed;
    }

    private void throughput()
    {
        final String stream = args.required("stream");
        final int subscribers = args.intValue("subscribers", 1);
        final int sizes = args.intList("sizes", "32,1024").length;

        final List<Spec> subSpecs = new ArrayList<>();
        for (int i = 0; i < subscribers; i++)
        {
            subSpecs.add(worker(ClustrSubscriberWorker.class, "sub" + i,
                "--stream", stream, "--link-probe", args.string("link-probe", "off")));
        }

        expectReady(subscribers);
        final List<WorkerHandle> subs = master.spawn(subSpecs);
        awaitReady();

        final List<String> pubArgs = timedArgs();
        pubArgs.add("--stream");
        pubArgs.add(stream);
        pubArgs.add("--target");
        pubArgs.add(Long.toString(subs.get(0).id()));
        final List<WorkerHandle> pub = master.spawn(List.of(
            worker(ClustrPublisherWorker.class, "pub", pubArgs.toArray(new String[0]))));

        awaitBenchLines(sizes * subscribers + 1);
        awaitExit(subs);
        awaitExit(pub);
    }

    private void rtt()
    {
        expectReady(1);
        final List<WorkerHandle> pong = master.spawn(List.of(
            pinnedWorker(ClustrPongWorker.class, "pong", args.intValue("pong-cpu", -1))));
        awaitReady();

        final List<String> pingArgs = timedArgs();
        pingArgs.add("--peer");
        pingArgs.add(Long.toString(pong.get(0).id()));
        pingArgs.add("--link-probe");
        pingArgs.add(args.string("link-probe", "off"));
        final List<WorkerHandle> ping = master.spawn(List.of(pinnedWorker(
            ClustrPingWorker.class, "ping", args.intValue("ping-cpu", -1), pingArgs.toArray(new String[0]))));

        awaitBenchLines(args.intList("sizes", "32,1024").length);
        awaitExit(ping);
        awaitExit(pong);
    }

    /**
     * The first spawn of a class path trains clustr-spawn's class-data archive, which is dumped in the background a
     * few seconds later: the timed spawns measure what every later spawn of a deployed cluster gets, so wait for it
     * (or for its failure marker), at most 60 s, and say which.
     */
    private static void awaitClassDataArchive(final long sinceMs)
    {
        final Path dir = Supervisor.Configuration.classDataArchiveDir();
        final String ownWorkFile = "." + ProcessHandle.current().pid() + ".";
        try (Stream<Path> files = Files.list(dir))
        {
            if (files.noneMatch((file) -> file.getFileName().toString().contains(ownWorkFile)))
            {
                // No training child of this process: the archive of this class path was there already.
                System.out.println("INFO class_data_archive=existing");
                return;
            }
        }
        catch (final IOException ex)
        {
            System.out.println("INFO class_data_archive=none (" + ex.getMessage() + ")");
            return;
        }

        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String found = null;
        while (null == found && System.nanoTime() - deadlineNs < 0 && Supervisor.Configuration.classDataArchive())
        {
            try (Stream<Path> files = Files.list(dir))
            {
                found = files
                    .filter((file) -> file.toString().endsWith(".jsa") || file.toString().endsWith(".failed"))
                    .filter((file) -> file.toFile().lastModified() >= sinceMs - 1000)
                    .map(Path::toString)
                    .findFirst()
                    .orElse(null);
            }
            catch (final IOException ex)
            {
                // not created yet
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        System.out.println("INFO class_data_archive=" + (null == found ? "none" : found));
    }

    /**
     * Make sure the class-data archive of this class path exists before anything is measured: spawn one worker (the
     * training child when there is no archive yet) and wait for the archive's dump, which otherwise runs in the
     * background, at the lowest priority but on the same two cores, during the first measured rounds.
     */
    private void archive()
    {
        final long startMs = System.currentTimeMillis();
        timeSpawn(1, "spawn_warmup", 0);
        awaitClassDataArchive(startMs);
        System.out.println(BenchLine.format("bench", "archive", "ms", System.currentTimeMillis() - startMs));
    }

    private void spawnTime()
    {
        final int[] counts = args.intList("counts", "1,8");
        final int reps = args.intValue("reps", 1);
        final int warmups = args.intValue("warmup-spawns", 1);
        final long startMs = System.currentTimeMillis();
        for (int warmup = 0; warmup < warmups; warmup++)
        {
            timeSpawn(1, "spawn_warmup", warmup);
        }
        if (warmups > 0)
        {
            awaitClassDataArchive(startMs);
        }

        for (int rep = 0; rep < reps; rep++)
        {
            for (final int count : counts)
            {
                timeSpawn(count, "spawn", rep);
            }
        }
    }

    /**
     * Spawn {@code count} idle workers, print the time from just before {@code spawn} to the last "ready"
     * confirmation, then kill them and wait for their exits.
     */
    private void timeSpawn(final int count, final String bench, final int rep)
    {
        final List<Spec> specs = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            specs.add(worker(ClustrIdleWorker.class, "idle" + i));
        }

        expectReady(count);
        final long startNs = System.nanoTime();
        final List<WorkerHandle> workers = master.spawn(specs);
        final long spawnedNs = System.nanoTime();
        final long readyNs = awaitReady() - startNs;
        System.out.println(BenchLine.format(
            "bench", bench, "workers", count, "rep", rep, "ns", readyNs, "spawn_call_ns", spawnedNs - startNs));

        killAll(workers);
    }

    private void idle() throws InterruptedException
    {
        final int count = args.intValue("workers", 4);
        final List<Spec> specs = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            specs.add(worker(ClustrIdleWorker.class, "idle" + i));
        }

        expectReady(count);
        final List<WorkerHandle> workers = master.spawn(specs);
        awaitReady();
        final StringBuilder pids = new StringBuilder();
        for (final WorkerHandle worker : workers)
        {
            pids.append(pids.length() > 0 ? "," : "").append(worker.pid());
        }

        System.out.println(BenchLine.format(
            "bench", "idle", "master_pid", ProcessHandle.current().pid(), "worker_pids", pids));
        master.awaitTermination();
    }

    /**
     * Arm the ready counter: the next {@code count} "ready" confirmations complete it. Call before spawning.
     */
    private void expectReady(final int count)
    {
        readyTargetReachedNs.set(0);
        readyTargetCount.set(readyCount.get() + (long)count);
    }

    /**
     * Wait until the confirmations armed by {@link #expectReady(int)} have all arrived.
     *
     * @return the nano time at which the last of them arrived (stamped on the master's duty-cycle thread).
     */
    private long awaitReady()
    {
        final long deadlineNs = System.nanoTime() + READY_TIMEOUT_NS;
        long reachedNs;
        while (0 == (reachedNs = readyTargetReachedNs.get()))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("only " + readyCount.get() + " of " + readyTargetCount.get() +
                    " ready confirmations within 60 s");
            }

            LockSupport.parkNanos(50_000);
        }

        return reachedNs;
    }

    private void awaitBenchLines(final int count)
    {
        final long deadlineNs = System.nanoTime() + READY_TIMEOUT_NS + TimeUnit.MILLISECONDS.toNanos(
            args.intList("sizes", "32,1024").length *
            (args.longValue("warmup-ms", 1000) + args.longValue("duration-ms", 2000)));
        while (benchLines.get() < count || linkParts.get() < expectedLinkParts.get())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("only " + benchLines.get() + " of " + count + " results arrived");
            }

            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /**
     * @return how many {@link BenchLine#LINK_PART_PREFIX} lines follow a result line ({@code link_parts=n}).
     */
    private static int linkParts(final String line)
    {
        final int at = line.indexOf(" link_parts=");
        if (at < 0)
        {
            return 0;
        }

        final int start = at + " link_parts=".length();
        int end = start;
        while (end < line.length() && Character.isDigit(line.charAt(end)))
        {
            end++;
        }

        return Integer.parseInt(line.substring(start, end));
    }

    private static void awaitExit(final List<WorkerHandle> workers)
    {
        for (final WorkerHandle worker : workers)
        {
            worker.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        }
    }

    private static void killAll(final List<WorkerHandle> workers)
    {
        final List<CompletableFuture<ExitStatus>> exits = new ArrayList<>();
        for (final WorkerHandle worker : workers)
        {
            exits.add(worker.kill(0));
        }

        CompletableFuture.allOf(exits.toArray(new CompletableFuture<?>[0])).orTimeout(30, TimeUnit.SECONDS).join();
    }
}
