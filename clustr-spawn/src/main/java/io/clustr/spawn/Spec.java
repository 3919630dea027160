package io.clustr.spawn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to spawn: a JVM child (a main class run with the parent's {@code java} and class path) or, with
 * {@link SpawnOption#command(String...)}, any executable; plus its CPUs, arguments, environment, respawn policy and
 * output. Immutable.
 * <pre>{@code
 * spec("com.acme.WebWorker", cpu(1), args("--port", "8080"))
 * spec("cache", command("redis-server", "--port", "0"), respawn(RespawnPolicy.always()))
 * }</pre>
 */
public final class Spec
{
    private final String mainClass;
    private final String name;
    private final List<String> args;
    private final List<String> jvmArgs;
    private final Map<String, String> env;
    private final List<String> command;
    private final CpuSet cpus;
    private final RespawnPolicy respawnPolicy;
    private final Output output;

    private Spec(final Builder builder, final CpuSet cpus)
    {
        this.mainClass = builder.mainClass;
        this.name = builder.name();
        this.args = Collections.unmodifiableList(new ArrayList<>(builder.args));
        this.jvmArgs = Collections.unmodifiableList(new ArrayList<>(builder.jvmArgs));
        this.env = Collections.unmodifiableMap(new LinkedHashMap<>(builder.env));
        this.command = null == builder.command ? List.of() : List.of(builder.command);
        this.cpus = cpus;
        this.respawnPolicy = null == builder.respawnPolicy ? RespawnPolicy.onFailure() : builder.respawnPolicy;
        this.output = null == builder.output ? Output.forward() : builder.output;
    }

    /**
     * A spec from a main class (or, with {@link SpawnOption#command(String...)}, a worker name) and options.
     *
     * @param mainClass the fully qualified main class of a JVM child, such as {@code "com.acme.WebWorker"}; with
     *                  {@code command(...)} the worker's name instead (blank: the command's basename).
     * @param options   the options; none null.
     * @return the spec.
     * @throws IllegalArgumentException naming the problem: blank or malformed main class, null option, option given
     *                                  twice, {@code jvmArgs} on a command spec.
     */
    public static Spec spec(final String mainClass, final SpawnOption... options)
    {
        final Builder builder = new Builder(mainClass, options);

        return new Spec(builder, builder.cpus);
    }

    /**
     * One spec per CPU this process may use ({@link CpuSet#allowed()}), each pinned to its CPU with
     * {@link SpawnOption#cpu(int)}: Node's auto-fork, one worker per core.
     *
     * @param mainClass the main class (or worker name with {@code command(...)}).
     * @param options   the options, without a cpu option.
     * @return the specs, in CPU order.
     * @throws IllegalArgumentException as {@link #spec(String, SpawnOption...)}, or when an option pins CPUs.
     */
    public static List<Spec> perCpu(final String mainClass, final SpawnOption... options)
    {
        final Builder builder = new Builder(mainClass, options);
        if (!builder.cpus.isEmpty())
        {
            throw new IllegalArgumentException(
                "perCpu pins each spec to its own CPU: remove the cpu option (" + builder.cpus.toList() + ")");
        }

        final List<Spec> specs = new ArrayList<>();
        for (final int cpu : CpuSet.allowed().toArray())
        {
            specs.add(new Spec(builder, CpuSet.of(cpu)));
        }

        return Collections.unmodifiableList(specs);
    }

    /**
     * The main class of a JVM child, or the worker name given for a command spec.
     *
     * @return the main class.
     */
    public String mainClass()
    {
        return mainClass;
    }

    /**
     * The name: {@link SpawnOption#name(String)} if given, else the simple class name, or for a command spec its first
     * argument (the command's basename when that is blank).
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Program arguments.
     *
     * @return the arguments, unmodifiable.
     */
    public List<String> args()
    {
        return args;
    }

    /**
     * JVM arguments, after the supervisor's defaults.
     *
     * @return the JVM arguments, unmodifiable; empty for a command spec.
     */
    public List<String> jvmArgs()
    {
        return jvmArgs;
    }

    /**
     * Environment variables of this spec; they override every other source.
     *
     * @return the variables, unmodifiable, in the order given.
     */
    public Map<String, String> env()
    {
        return env;
    }

    /**
     * The command of a command spec (the executable and its own arguments; {@link #args()} are appended).
     *
     * @return the command, unmodifiable; empty for a JVM child.
     */
    public List<String> command()
    {
        return command;
    }

    /**
     * Is this a command spec rather than a JVM child?
     *
     * @return true when {@link SpawnOption#command(String...)} was given.
     */
    public boolean isCommand()
    {
        return !command.isEmpty();
    }

    /**
     * The CPUs the whole child process is restricted to.
     *
     * @return the CPUs, {@link CpuSet#EMPTY} when not pinned.
     */
    public CpuSet cpus()
    {
        return cpus;
    }

    /**
     * How the child is respawned when it exits.
     *
     * @return the respawn policy; default {@link RespawnPolicy#onFailure()}.
     */
    public RespawnPolicy respawnPolicy()
    {
        return respawnPolicy;
    }

    /**
     * Where the child's stdout and stderr go.
     *
     * @return the output; default {@link Output#forward()}.
     */
    public Output output()
    {
        return output;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(128);
        sb.append("Spec{name=").append(name);
        if (isCommand())
        {
            sb.append(", command=").append(command);
        }
        else
        {
            sb.append(", mainClass=").append(mainClass);
        }

        if (!cpus.isEmpty())
        {
            sb.append(", cpus=").append(cpus.toList());
        }

        if (!args.isEmpty())
        {
            sb.append(", args=").append(args);
        }

        if (!jvmArgs.isEmpty())
        {
            sb.append(", jvmArgs=").append(jvmArgs);
        }

        if (!env.isEmpty())
        {
            sb.append(", env=").append(env.keySet());
        }

        sb.append(", respawn=").append(respawnPolicy).append(", output=").append(output).append('}');

        return sb.toString();
    }

    static String checkName(final String name)
    {
        if (null == name || name.isBlank())
        {
            throw new IllegalArgumentException("name must not be blank");
        }

        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || '/' == c || '#' == c)
            {
                throw new IllegalArgumentException(
                    "name '" + name + "' must not contain whitespace, control characters, '/' or '#'");
            }
        }

        return name;
    }

    static boolean isJavaClassName(final String className)
    {
        for (final String part : className.split("\\.", -1))
        {
            if (part.isEmpty() || !Character.isJavaIdentifierStart(part.charAt(0)))
            {
                return false;
            }

            for (int i = 1; i < part.length(); i++)
            {
                if (!Character.isJavaIdentifierPart(part.charAt(i)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /**
     * The mutable state {@link SpawnOption}s write into.
     */
    static final class Builder
    {
        private final String mainClass;
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private CpuSet cpus = CpuSet.EMPTY;
        private String[] command;
        private String name;
        private RespawnPolicy respawnPolicy;
        private Output output;

        Builder(final String mainClass, final SpawnOption[] options)
        {
            if (null == options)
            {
                throw new IllegalArgumentException("options must not be null");
            }

            for (int i = 0; i < options.length; i++)
            {
                if (null == options[i])
                {
                    throw new IllegalArgumentException(
                        "option " + i + " is null (spec " + mainClass + ", options " + Arrays.toString(options) + ")");
                }

                options[i].applyTo(this);
            }

            if (null == command)
            {
                if (null == mainClass || mainClass.isBlank())
                {
                    throw new IllegalArgumentException(
                        "mainClass must not be blank: give the fully qualified class of the child's main");
                }

                if (!isJavaClassName(mainClass))
                {
                    throw new IllegalArgumentException(
                        "mainClass '" + mainClass + "' is not a Java class name such as com.acme.WebWorker");
                }
            }
            else
            {
                if (!jvmArgs.isEmpty())
                {
                    throw new IllegalArgumentException(
                        "jvmArgs" + jvmArgs + " do not apply to a command(...) spec: it runs no JVM of ours");
                }

                if (null == mainClass)
                {
                    throw new IllegalArgumentException(
                        "the worker name of a command spec must not be null (it may be blank)");
                }
            }

            this.mainClass = null == mainClass ? null : mainClass.trim();
            checkName(name());
        }

        String name()
        {
            if (null != name)
            {
                return name;
            }

            if (null != command)
            {
                if (!mainClass.isBlank())
                {
                    return mainClass.trim();
                }

                final String executable = command[0];

                return executable.substring(executable.lastIndexOf('/') + 1);
            }

            final String trimmed = mainClass.trim();

            return trimmed.substring(trimmed.lastIndexOf('.') + 1);
        }

        void addCpus(final CpuSet more)
        {
            if (cpus.isEmpty())
            {
                cpus = more;
            }
            else
            {
                final int[] a = cpus.toArray();
                final int[] b = more.toArray();
                final int[] all = Arrays.copyOf(a, a.length + b.length);
                System.arraycopy(b, 0, all, a.length, b.length);
                cpus = CpuSet.of(all);
            }
        }

        void addArgs(final String[] more)
        {
            args.addAll(Arrays.asList(more));
        }

        void addJvmArgs(final String[] more)
        {
            jvmArgs.addAll(Arrays.asList(more));
        }

        void putEnv(final String key, final String value)
        {
            env.put(key, value);
        }

        void command(final String[] command)
        {
            checkOnce("command", this.command);
            this.command = command;
        }

        void name(final String name)
        {
            checkOnce("name", this.name);
            this.name = name;
        }

        void respawn(final RespawnPolicy policy)
        {
            checkOnce("respawn", this.respawnPolicy);
            this.respawnPolicy = policy;
        }

        void output(final Output output)
        {
            checkOnce("output", this.output);
            this.output = output;
        }

        private static void checkOnce(final String option, final Object current)
        {
            if (null != current)
            {
                throw new IllegalArgumentException(option + "(...) given twice: it may be given once");
            }
        }
    }
}
