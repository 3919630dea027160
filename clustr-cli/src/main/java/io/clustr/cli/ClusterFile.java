package io.clustr.cli;

import io.clustr.Channel;
import io.clustr.Node;
import io.clustr.Readiness;
import io.clustr.spawn.CpuSet;
import io.clustr.spawn.RespawnPolicy;
import io.clustr.spawn.SpawnOption;
import io.clustr.spawn.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster file, for {@code clustr run} and {@code clustr startup}: Java-properties syntax ({@code key = value}
 * lines, {@code #} and {@code !} comments, a trailing {@code \} continues a line), read line by line so that every
 * error names its line. Keys (see docs/operations.md for the reference):
 * <pre>
 * driver = embedded                       # embedded (default) or standalone
 * dir = /dev/shm/clustr-web               # the driver directory; default: a fresh one (embedded), Aeron's (standalone)
 * driver.profile = shared                 # embedded only: shared, low-latency or a file
 * kill.grace = 5s
 * class-path = lib/app.jar:classes        # put before clustr's own on the workers' class path
 *
 * worker.web.main = com.acme.WebWorker    # or worker.web.command = ./serve --port 8080
 * worker.web.group = web                  # default: the spec's key (web)
 * worker.web.count = 4                    # or per-cpu; default 1
 * worker.web.cpus = 2-5
 * worker.web.args = --port 8080 "a b"
 * worker.web.jvm-args = -Xmx256m
 * worker.web.env.MODE = fast
 * worker.web.respawn = on-failure         # always, never
 * worker.web.ready = listening            # online (default), listening, or a confirmation id
 * worker.web.ready-timeout = 30s
 * </pre>
 */
final class ClusterFile
{
    static final String EMBEDDED = "embedded";
    static final String STANDALONE = "standalone";

    private static final Pattern WORKER_KEY = Pattern.compile("worker\\.([A-Za-z0-9_-]+)\\.(.+)");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m)");
    private static final Pattern CLASS_NAME =
        Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*" +
        "(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");
    private static final List<String> CLUSTER_KEYS =
        List.of("driver", "dir", "driver.profile", "kill.grace", "class-path");
    private static final List<String> WORKER_KEYS = List.of(
        "main", "command", "group", "count", "cpus", "args", "jvm-args", "env.<NAME>", "respawn", "ready",
        "ready-timeout");

    final Path path;
    final String driver;
    final String directory;
    final String driverProfile;
    final Duration killGrace;
    final List<String> classPath;
    final List<WorkerSpec> workers;

    /**
     * One {@code worker.<key>.*} block.
     *
     * @param key       the key, also the workers' name.
     * @param line      the line of its first key.
     * @param group     the group its workers join.
     * @param specs     one spec per worker ({@code count} of them, or one per CPU).
     * @param readiness when its workers count as ready.
     * @param command   true for a command, false for a JVM main class.
     */
    record WorkerSpec(String key, int line, String group, List<Spec> specs, Readiness readiness, boolean command)
    {
    }

    private record Entry(String key, String value, int line)
    {
    }

    private ClusterFile(
        final Path path,
        final String driver,
        final String directory,
        final String driverProfile,
        final Duration killGrace,
        final List<String> classPath,
        final List<WorkerSpec> workers)
    {
        this.classPath = classPath;
        this.path = path;
        this.driver = driver;
        this.directory = directory;
        this.driverProfile = driverProfile;
        this.killGrace = killGrace;
        this.workers = workers;
    }

    /**
     * Read and check a cluster file.
     *
     * @param path the file.
     * @return the cluster it describes.
     * @throws CliException naming the file, line and key of the first problem, and what is allowed.
     */
    static ClusterFile read(final Path path)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            throw new CliException("no cluster file " + path + ": give the path of one (docs/operations.md " +
                "describes the format)");
        }
        catch (final IOException ex)
        {
            throw new CliException("cannot read cluster file " + path + ": " + ex.getMessage());
        }

        return parse(path, lines);
    }

    static ClusterFile parse(final Path path, final List<String> lines)
    {
        final Map<String, Entry> entries = entries(path, lines);
        final Map<String, Map<String, Entry>> workerEntries = new LinkedHashMap<>();
        String driver = EMBEDDED;
        String directory = null;
        String driverProfile = null;
        Duration killGrace = null;
        final List<String> classPath = new ArrayList<>();
        for (final Entry entry : entries.values())
        {
            final Matcher worker = WORKER_KEY.matcher(entry.key);
            if (worker.matches())
            {
                workerEntries.computeIfAbsent(worker.group(1), (k) -> new LinkedHashMap<>())
                    .put(worker.group(2), entry);
                continue;
            }
            switch (entry.key)
            {
                case "driver" ->
                {
                    if (!EMBEDDED.equals(entry.value) && !STANDALONE.equals(entry.value))
                    {
                        throw error(path, entry, "'" + entry.value + "' is not a driver: use embedded (the master " +
                            "runs it) or standalone (attach to a running clustr-media-driver)");
                    }
                    driver = entry.value;
                }
                case "dir" -> directory = nonEmpty(path, entry, "a directory, e.g. /dev/shm/clustr-web");
                case "driver.profile" -> driverProfile = nonEmpty(path, entry, "shared, low-latency or a file");
                case "kill.grace" -> killGrace = duration(path, entry);
                case "class-path" ->
                {
                    final Path base = null == path.toAbsolutePath().getParent() ? Path.of(".") :
                        path.toAbsolutePath().getParent();
                    for (final String element : nonEmpty(path, entry, "jars or directories separated by :")
                        .split(":"))
                    {
                        if (!element.isBlank())
                        {
                            final Path resolved = base.resolve(element.strip()).normalize();
                            if (!Files.exists(resolved))
                            {
                                throw error(path, entry, "class path entry " + resolved + " does not exist");
                            }
                            classPath.add(resolved.toString());
                        }
                    }
                }
                default -> throw error(path, entry, "unknown key: the cluster keys are " + CLUSTER_KEYS +
                    ", a worker's are worker.<name>." + WORKER_KEYS);
            }
        }
        if (null != driverProfile && STANDALONE.equals(driver))
        {
            throw error(path, entries.get("driver.profile"), "a standalone driver has its own profile: remove " +
                "driver.profile, or use driver = embedded");
        }

        final List<WorkerSpec> workers = new ArrayList<>();
        final Map<String, WorkerSpec> groups = new LinkedHashMap<>();
        for (final Map.Entry<String, Map<String, Entry>> worker : workerEntries.entrySet())
        {
            final WorkerSpec spec = workerSpec(path, worker.getKey(), worker.getValue());
            final WorkerSpec sameGroup = groups.putIfAbsent(spec.group, spec);
            if (null != sameGroup && !sameGroup.readiness.toString().equals(spec.readiness.toString()))
            {
                throw new CliException(path + ":" + spec.line + ": worker." + spec.key + " joins group '" +
                    spec.group + "' with ready = " + spec.readiness + ", but worker." + sameGroup.key +
                    " (line " + sameGroup.line + ") gives it ready = " + sameGroup.readiness + ": a group has " +
                    "one readiness");
            }
            workers.add(spec);
        }
        if (workers.isEmpty())
        {
            throw new CliException(path + ": no workers: add at least one, e.g. worker.web.main = com.acme.WebWorker");
        }

        return new ClusterFile(path, driver, directory, driverProfile, killGrace, List.copyOf(classPath),
            Collections.unmodifiableList(workers));
    }

    @SuppressWarnings("MethodLength")
    private static WorkerSpec workerSpec(final Path path, final String key, final Map<String, Entry> entries)
    {
        final Entry first = entries.values().iterator().next();
        final Entry main = entries.get("main");
        final Entry command = entries.get("command");
        if (null == main && null == command)
        {
            throw new CliException(path + ":" + first.line + ": worker." + key + " has neither main nor command: " +
                "add worker." + key + ".main = <main class> or worker." + key + ".command = <executable and args>");
        }
        if (null != main && null != command)
        {
            throw error(path, command, "worker." + key + " has a main class (line " + main.line + ") and a " +
                "command: give one");
        }

        final List<SpawnOption> options = new ArrayList<>();
        String group = key;
        int count = 1;
        boolean perCpu = false;
        Readiness readiness = Readiness.online();
        Duration readyTimeout = null;
        Entry cpusEntry = null;
        for (final Entry entry : entries.values())
        {
            final String option = entry.key.substring(("worker." + key + ".").length());
            if (option.startsWith("env."))
            {
                final String name = option.substring(4);
                if (!ENV_NAME.matcher(name).matches())
                {
                    throw error(path, entry, "'" + name + "' is not an environment variable name (letters, " +
                        "digits and _, not starting with a digit)");
                }
                if (Node.GROUP_ENV.equals(name))
                {
                    throw error(path, entry, "set the group with worker." + key + ".group");
                }
                options.add(SpawnOption.env(name, entry.value));
                continue;
            }
            switch (option)
            {
                case "main" ->
                {
                    if (!CLASS_NAME.matcher(entry.value).matches())
                    {
                        throw error(path, entry, "'" + entry.value + "' is not a main class name, e.g. " +
                            "com.acme.WebWorker");
                    }
                }
                case "command" ->
                {
                    final List<String> words = words(path, entry);
                    if (words.isEmpty())
                    {
                        throw error(path, entry, "empty command: give the executable and its arguments");
                    }
                    options.add(SpawnOption.command(words.toArray(new String[0])));
                }
                case "group" ->
                {
                    try
                    {
                        group = Channel.validateGroupName(entry.value);
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        throw error(path, entry, ex.getMessage());
                    }
                }
                case "count" ->
                {
                    if ("per-cpu".equals(entry.value))
                    {
                        perCpu = true;
                    }
                    else
                    {
                        count = positive(path, entry, "a count of 1 or more, or per-cpu (one worker pinned to each " +
                            "CPU this process may use)");
                    }
                }
                case "cpus" ->
                {
                    cpusEntry = entry;
                    final CpuSet cpus;
                    try
                    {
                        cpus = CpuSet.parse(entry.value);
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        throw error(path, entry, "'" + entry.value + "' is not a CPU list (" + ex.getMessage() +
                            "): e.g. 1, 2,3 or 0-3");
                    }
                    final CpuSet allowed = CpuSet.allowed();
                    for (final int cpu : cpus.toArray())
                    {
                        if (!allowed.contains(cpu))
                        {
                            throw error(path, entry, "cpu " + cpu + " is not one this process may use: its CPUs " +
                                "are " + allowed.toList());
                        }
                    }
                    options.add(SpawnOption.cpus(cpus.toArray()));
                }
                case "args" -> options.add(SpawnOption.args(words(path, entry).toArray(new String[0])));
                case "jvm-args" ->
                {
                    if (null != command)
                    {
                        throw error(path, entry, "a command is no JVM: jvm-args are for main classes only");
                    }
                    options.add(SpawnOption.jvmArgs(words(path, entry).toArray(new String[0])));
                }
                case "respawn" -> options.add(SpawnOption.respawn(switch (entry.value)
                {
                    case "on-failure" -> RespawnPolicy.onFailure();
                    case "always" -> RespawnPolicy.always();
                    case "never" -> RespawnPolicy.never();
                    default -> throw error(path, entry, "'" + entry.value + "' is not a respawn policy: use " +
                        "on-failure (the default), always or never");
                }));
                case "ready" ->
                {
                    if (entry.value.isEmpty() || entry.value.chars().anyMatch(Character::isWhitespace))
                    {
                        throw error(path, entry, "give online (joined), listening (announced a socket) or the " +
                            "confirmation id that means ready, one word, e.g. ready");
                    }
                    readiness = Readiness.parse(entry.value);
                }
                case "ready-timeout" -> readyTimeout = duration(path, entry);
                default -> throw error(path, entry, "unknown key: a worker's keys are worker." + key + "." +
                    WORKER_KEYS);
            }
        }
        if (null != readyTimeout)
        {
            readiness = readiness.timeout(readyTimeout);
        }
        if (perCpu && null != cpusEntry)
        {
            throw error(path, cpusEntry, "count = per-cpu pins each worker to its own CPU: remove cpus");
        }
        if (null != command && Readiness.Kind.ONLINE != readiness.kind())
        {
            throw error(path, null != entries.get("ready") ? entries.get("ready") : command, "a command cannot " +
                "join the cluster, announce or confirm: remove ready");
        }

        options.add(SpawnOption.env(Node.GROUP_ENV, group));
        final SpawnOption[] all = options.toArray(new SpawnOption[0]);
        final List<Spec> specs = new ArrayList<>();
        try
        {
            if (null != command)
            {
                for (int i = 0; i < (perCpu ? CpuSet.allowed().size() : count); i++)
                {
                    specs.add(Spec.spec(key, all));
                }
            }
            else
            {
                final List<SpawnOption> named = new ArrayList<>(options);
                named.add(SpawnOption.name(key));
                final SpawnOption[] withName = named.toArray(new SpawnOption[0]);
                if (perCpu)
                {
                    specs.addAll(Spec.perCpu(main.value, withName));
                }
                else
                {
                    for (int i = 0; i < count; i++)
                    {
                        specs.add(Spec.spec(main.value, withName));
                    }
                }
            }
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CliException(path + ":" + first.line + ": worker." + key + ": " + ex.getMessage());
        }

        return new WorkerSpec(key, first.line, group, List.copyOf(specs), readiness, null != command);
    }

    private static Map<String, Entry> entries(final Path path, final List<String> lines)
    {
        final Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final int lineNumber = i + 1;
            final StringBuilder logical = new StringBuilder(lines.get(i).strip());
            while (endsWithContinuation(logical) && i + 1 < lines.size())
            {
                logical.setLength(logical.length() - 1);
                logical.append(lines.get(++i).strip());
            }
            final String line = logical.toString();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!"))
            {
                continue;
            }
            final int equals = line.indexOf('=');
            if (equals < 0)
            {
                throw new CliException(path + ":" + lineNumber + ": '" + line + "' is no key = value line (a " +
                    "comment starts with #)");
            }
            final String key = line.substring(0, equals).strip();
            final String value = line.substring(equals + 1).strip();
            if (key.isEmpty())
            {
                throw new CliException(path + ":" + lineNumber + ": no key before '='");
            }
            final Entry previous = entries.put(key, new Entry(key, value, lineNumber));
            if (null != previous)
            {
                throw new CliException(path + ":" + lineNumber + ": key '" + key + "' is given twice (also on " +
                    "line " + previous.line + "): keep one");
            }
        }

        return entries;
    }

    private static boolean endsWithContinuation(final CharSequence line)
    {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && '\\' == line.charAt(i); i--)
        {
            backslashes++;
        }
        return 1 == (backslashes & 1);
    }

    /**
     * Split a value into words as a shell would, without expansions: whitespace separates, {@code "..."} and
     * {@code '...'} quote, a backslash escapes the next character outside single quotes.
     */
    static List<String> words(final Path path, final Entry entry)
    {
        final List<String> words = new ArrayList<>();
        final String value = entry.value;
        final StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (0 != quote)
            {
                if (c == quote)
                {
                    quote = 0;
                }
                else if ('\\' == c && '"' == quote && i + 1 < value.length())
                {
                    word.append(value.charAt(++i));
                }
                else
                {
                    word.append(c);
                }
            }
            else if ('"' == c || '\'' == c)
            {
                quote = c;
                inWord = true;
            }
            else if ('\\' == c && i + 1 < value.length())
            {
                word.append(value.charAt(++i));
                inWord = true;
            }
            else if (Character.isWhitespace(c))
            {
                if (inWord)
                {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            }
            else
            {
                word.append(c);
                inWord = true;
            }
        }
        if (0 != quote)
        {
            throw error(path, entry, "unclosed " + quote + " quote");
        }
        if (inWord)
        {
            words.add(word.toString());
        }

        return words;
    }

    private static String nonEmpty(final Path path, final Entry entry, final String allowed)
    {
        if (entry.value.isEmpty())
        {
            throw error(path, entry, "empty value: give " + allowed);
        }
        return entry.value;
    }

    private static int positive(final Path path, final Entry entry, final String allowed)
    {
        try
        {
            final int value = Integer.parseInt(entry.value);
            if (value >= 1)
            {
                return value;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // below
        }
        throw error(path, entry, "'" + entry.value + "' is not " + allowed);
    }

    private static Duration duration(final Path path, final Entry entry)
    {
        final Matcher matcher = DURATION.matcher(entry.value);
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) <= 0)
        {
            throw error(path, entry, "'" + entry.value + "' is not a duration: a positive number with ms, s or m, " +
                "e.g. 500ms, 30s, 2m");
        }
        final long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2))
        {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
    }

    private static CliException error(final Path path, final Entry entry, final String message)
    {
        return new CliException(path + ":" + entry.line + ": key '" + entry.key + "': " + message);
    }

    /**
     * @return the groups in file order.
     */
    Set<String> groups()
    {
        final Set<String> groups = new java.util.LinkedHashSet<>();
        workers.forEach((worker) -> groups.add(worker.group));
        return groups;
    }
}
