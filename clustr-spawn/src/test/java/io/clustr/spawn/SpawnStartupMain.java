package io.clustr.spawn;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.Spec.spec;

/**
 * A start-up harness, run by hand: how long a JVM child takes from {@code spawn} to its first line ("ready", after
 * an Aeron connect), alone and eight at once, and its resident memory when idle, for several sets of JVM flags, in
 * interleaved rounds. Not a test: timings on a shared machine are only comparable within one run.
 * <pre>
 * mvn -B -q -pl clustr-spawn test-compile
 * java @config/jvm/add-opens.args -cp "$(cat clustr-spawn/target/test-classpath.txt)" \
 *     io.clustr.spawn.SpawnStartupMain [rounds] [jars|dirs] [config ...]
 * </pre>
 * With {@code jars} the children run from a jar of clustr-spawn's classes and test classes plus the dependency jars
 * (a deployed layout, archived whole); with {@code dirs} from the build's class directories (a JDK-only archive).
 */
public final class SpawnStartupMain
{
    private static final int WORKERS = 8;
    private static final long TIMEOUT_MS = 30_000;

    private SpawnStartupMain()
    {
    }

    /**
     * Entry point.
     *
     * @param args rounds (default 5), layout (default jars), the names of the configurations to run (default all).
     * @throws Exception on any failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        final boolean jars = args.length <= 1 || "jars".equals(args[1]);
        final Path work = Files.createTempDirectory("clustr-spawn-startup");
        final String classPath = jars ? jarClassPath(work) : System.getProperty("java.class.path");
        final String aeronDir = "/dev/shm/clustr-spawn-startup-" + ProcessHandle.current().pid();

        final Map<String, Config> configs = configs(work.resolve("cds"));
        if (args.length > 2)
        {
            configs.keySet().retainAll(List.of(args).subList(2, args.length));
        }

        final MediaDriver.Context driverCtx = new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
        try (MediaDriver driver = MediaDriver.launchEmbedded(driverCtx))
        {
            System.out.println("# layout " + (jars ? "jars" : "dirs") + ", " + rounds + " rounds, driver " +
                driver.aeronDirectoryName() + ", " + Runtime.getRuntime().availableProcessors() + " cpus, java " +
                System.getProperty("java.vm.version"));
            for (final Config config : configs.values())
            {
                if (config.cds)
                {
                    warmUp(config, classPath, aeronDir);
                }
            }

            for (int round = 0; round < rounds; round++)
            {
                for (final Config config : configs.values())
                {
                    runRound(config, classPath, aeronDir);
                }
            }

            for (final Config config : configs.values())
            {
                System.out.println(config.name + ": one " + median(config.oneMs) + " ms " + config.oneMs +
                    "; eight " + median(config.eightMs) + " ms " + config.eightMs +
                    "; idle rss " + median(config.rssKb) / 1024 + " MiB (median of all children)");
            }
        }
        finally
        {
            deleteTree(work);
        }
    }

    private static Map<String, Config> configs(final Path cdsDir)
    {
        final List<String> before = new ArrayList<>(Supervisor.Configuration.ADD_OPENS_JVM_ARGS);
        before.addAll(List.of(
            "-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%6$s%n", "-XX:+UseSerialGC", "-Xms16m",
            "-XX:-UsePerfData"));
        final List<String> now = Supervisor.Configuration.DEFAULT_JVM_ARGS;

        final Map<String, Config> configs = new LinkedHashMap<>();
        configs.put("before", new Config("before", before, false, cdsDir));
        configs.put("cds", new Config("cds", now, true, cdsDir));
        configs.put("cds-c1", new Config("cds-c1", plus(now, "-XX:TieredStopAtLevel=1"), true, cdsDir));
        configs.put("cds-small", new Config("cds-small", plus(now,
            "-Xss512k", "-XX:ReservedCodeCacheSize=32m", "-XX:CICompilerCount=2", "-XX:MaxMetaspaceSize=64m"),
            true, cdsDir));
        configs.put("cds-xmn", new Config("cds-xmn", plus(now, "-Xmn4m"), true, cdsDir));
        configs.put("cds-scale3", new Config("cds-scale3", plus(now, "-XX:CompileThresholdScaling=3"), true, cdsDir));

        return configs;
    }

    private static List<String> plus(final List<String> base, final String... more)
    {
        final List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));

        return all;
    }

    private static void warmUp(final Config config, final String classPath, final String aeronDir) throws Exception
    {
        try (Supervisor supervisor = config.launch(classPath, new ReadyLines()))
        {
            final ChildProcess child = supervisor.spawn(List.of(spec(
                AeronChild.class.getName(), args(aeronDir, "100"), SpawnOption.respawn(RespawnPolicy.never()))))
                .get(0);
            child.onExit().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            final Path archive = new ClassDataArchive(
                true, config.cdsDir, System.getProperty("java.home"), classPath).archive();
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
            while (!Files.exists(archive) && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(50);
            }
            System.out.println("# " + config.name + ": archive " + archive + " " +
                (Files.exists(archive) ? Files.size(archive) / 1024 + " KiB" : "NOT CREATED"));
        }
    }

    private static void runRound(final Config config, final String classPath, final String aeronDir)
        throws Exception
    {
        final ReadyLines ready = new ReadyLines();
        try (Supervisor supervisor = config.launch(classPath, ready))
        {
            final Spec worker = spec(AeronChild.class.getName(), args(aeronDir, "600000"));
            final long oneStartNs = System.nanoTime();
            final ChildProcess one = supervisor.spawn(List.of(worker)).get(0);
            final long oneMs = TimeUnit.NANOSECONDS.toMillis(ready.await(List.of(one)) - oneStartNs);

            final List<Spec> specs = Collections.nCopies(WORKERS, worker);
            final long eightStartNs = System.nanoTime();
            final List<ChildProcess> eight = supervisor.spawn(specs);
            final long eightMs = TimeUnit.NANOSECONDS.toMillis(ready.await(eight) - eightStartNs);

            Thread.sleep(1000);
            config.rssKb.add(rssKb(one.pid()));
            for (final ChildProcess child : eight)
            {
                config.rssKb.add(rssKb(child.pid()));
            }
            config.oneMs.add(oneMs);
            config.eightMs.add(eightMs);
            System.out.println("# round " + config.name + ": one " + oneMs + " ms, eight " + eightMs + " ms");
        }
    }

    private static long rssKb(final long pid) throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")))
        {
            if (line.startsWith("VmRSS:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }

        return -1;
    }

    private static long median(final List<Long> values)
    {
        final List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);

        return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    }

    /**
     * A jar of this module's classes and test classes, followed by the jars of the test class path.
     */
    private static String jarClassPath(final Path work) throws IOException
    {
        final Path jar = work.resolve("harness.jar");
        final List<String> entries = new ArrayList<>();
        entries.add(jar.toString());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)))
        {
            for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
            {
                final Path path = Path.of(entry);
                if (Files.isDirectory(path))
                {
                    addTree(out, path);
                }
                else if (entry.endsWith(".jar"))
                {
                    entries.add(entry);
                }
            }
        }

        return String.join(File.pathSeparator, entries);
    }

    private static void addTree(final JarOutputStream out, final Path root) throws IOException
    {
        try (Stream<Path> files = Files.walk(root))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                final String name = root.relativize(file).toString();
                if (Files.isRegularFile(file))
                {
                    try
                    {
                        out.putNextEntry(new JarEntry(name));
                    }
                    catch (final java.util.zip.ZipException duplicate)
                    {
                        continue;
                    }
                    out.write(Files.readAllBytes(file));
                    out.closeEntry();
                }
            }
        }
    }

    private static void deleteTree(final Path root) throws IOException
    {
        try (Stream<Path> files = Files.walk(root))
        {
            final List<Path> all = new ArrayList<>();
            files.forEach(all::add);
            Collections.reverse(all);
            for (final Path file : all)
            {
                Files.deleteIfExists(file);
            }
        }
    }

    private static final class Config
    {
        final String name;
        final List<String> jvmArgs;
        final boolean cds;
        final Path cdsDir;
        final List<Long> oneMs = new ArrayList<>();
        final List<Long> eightMs = new ArrayList<>();
        final List<Long> rssKb = new ArrayList<>();

        Config(final String name, final List<String> jvmArgs, final boolean cds, final Path cdsDir)
        {
            this.name = name;
            this.jvmArgs = jvmArgs;
            this.cds = cds;
            this.cdsDir = cdsDir;
        }

        Supervisor launch(final String classPath, final ReadyLines ready)
        {
            final AtomicLong ids = new AtomicLong();
            return Supervisor.launch(new Supervisor.Context()
                .idSupplier(ids::incrementAndGet)
                .classPath(classPath)
                .defaultJvmArgs(jvmArgs)
                .classDataArchive(cds)
                .classDataArchiveDir(cdsDir)
                .stopGrace(java.time.Duration.ofSeconds(2))
                .out(ready.printStream())
                .err(System.err));
        }
    }

    /**
     * Records when each child printed its "ready" line: {@code "[AeronChild#<id> <pid>] ready ..."}.
     */
    private static final class ReadyLines extends OutputStream
    {
        private final Map<Long, Long> readyNs = new ConcurrentHashMap<>();
        private final StringBuilder line = new StringBuilder();
        private final PrintStream printStream = new PrintStream(this, true, StandardCharsets.UTF_8);

        PrintStream printStream()
        {
            return printStream;
        }

        @Override
        public synchronized void write(final int b)
        {
            if ('\n' == b)
            {
                final String text = line.toString();
                line.setLength(0);
                final int hash = text.indexOf('#');
                final int space = text.indexOf(' ', hash);
                if (text.contains("] ready") && hash > 0 && space > hash)
                {
                    readyNs.put(Long.parseLong(text.substring(hash + 1, space)), System.nanoTime());
                    notifyAll();
                }
            }
            else
            {
                line.append((char)b);
            }
        }

        synchronized long await(final List<ChildProcess> children) throws InterruptedException
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
            long lastNs = 0;
            for (final ChildProcess child : children)
            {
                while (!readyNs.containsKey(child.id()))
                {
                    final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
                    if (leftMs <= 0)
                    {
                        throw new IllegalStateException(child.label() + " not ready within " + TIMEOUT_MS + " ms");
                    }
                    wait(leftMs);
                }
                lastNs = Math.max(lastNs, readyNs.get(child.id()));
            }

            return lastNs;
        }
    }
}
