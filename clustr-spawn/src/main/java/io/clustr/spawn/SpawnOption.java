package io.clustr.spawn;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One option of a {@link Spec}: opaque, made only by the static factories here and given to
 * {@link Spec#spec(String, SpawnOption...)}.
 * <p>
 * Options that carry lists ({@code args}, {@code jvmArgs}, {@code env}, the cpu options) add up when given more than
 * once; the single-valued ones ({@code command}, {@code respawn}, {@code name}, {@code output}) may be given once.
 */
public final class SpawnOption
{
    private final String description;
    private final Consumer<Spec.Builder> action;

    private SpawnOption(final String description, final Consumer<Spec.Builder> action)
    {
        this.description = description;
        this.action = action;
    }

    /**
     * Pin the child to one CPU: the whole process (every thread, GC and JIT included) runs on it, and a JVM child
     * may lock it for its duty-cycle thread with {@link Pinning#pinCurrentThread(int)}.
     *
     * @param cpu the CPU id, 0 or more; whether this machine has it is checked at {@link Supervisor#spawn}.
     * @return the option.
     * @throws IllegalArgumentException if {@code cpu} is negative.
     */
    public static SpawnOption cpu(final int cpu)
    {
        final CpuSet cpus = CpuSet.of(cpu);

        return new SpawnOption("cpu(" + cpu + ")", (b) -> b.addCpus(cpus));
    }

    /**
     * Pin the child to a set of CPUs.
     *
     * @param cpus the CPU ids, at least one, each 0 or more.
     * @return the option.
     * @throws IllegalArgumentException if {@code cpus} is null or empty or an id is negative.
     */
    public static SpawnOption cpus(final int... cpus)
    {
        if (null == cpus || 0 == cpus.length)
        {
            throw new IllegalArgumentException("cpus(...) needs at least one CPU id");
        }

        final CpuSet set = CpuSet.of(cpus);

        return new SpawnOption("cpus(" + set.toList() + ")", (b) -> b.addCpus(set));
    }

    /**
     * Pin the child to a range of CPUs.
     *
     * @param fromInclusive the first CPU id, 0 or more.
     * @param toInclusive   the last CPU id, not below {@code fromInclusive}.
     * @return the option.
     * @throws IllegalArgumentException if the range is empty or negative.
     */
    public static SpawnOption cpuRange(final int fromInclusive, final int toInclusive)
    {
        if (fromInclusive > toInclusive)
        {
            throw new IllegalArgumentException(
                "cpuRange(" + fromInclusive + ", " + toInclusive + ") runs backwards: from must not exceed to");
        }

        CpuSet.of(fromInclusive, toInclusive);
        final CpuSet set = CpuSet.parse(fromInclusive + "-" + toInclusive);

        return new SpawnOption("cpuRange(" + fromInclusive + ", " + toInclusive + ")", (b) -> b.addCpus(set));
    }

    /**
     * Program arguments: given to the child's main, or appended to the {@link #command(String...)}.
     *
     * @param args the arguments, none null.
     * @return the option.
     */
    public static SpawnOption args(final String... args)
    {
        final String[] copy = checkStrings("args", args);

        return new SpawnOption("args" + Arrays.toString(copy), (b) -> b.addArgs(copy));
    }

    /**
     * JVM arguments, after the supervisor's default ones (so they win): {@code -Xmx256m}, {@code -Dx=y}. Only for
     * JVM children.
     *
     * @param jvmArgs the JVM arguments, none null.
     * @return the option.
     */
    public static SpawnOption jvmArgs(final String... jvmArgs)
    {
        final String[] copy = checkStrings("jvmArgs", jvmArgs);

        return new SpawnOption("jvmArgs" + Arrays.toString(copy), (b) -> b.addJvmArgs(copy));
    }

    /**
     * An environment variable for the child; overrides the parent's and the supervisor's.
     *
     * @param name  the variable name: not blank, no {@code '='}.
     * @param value the value, not null.
     * @return the option.
     */
    public static SpawnOption env(final String name, final String value)
    {
        if (null == name || name.isBlank() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0)
        {
            throw new IllegalArgumentException("env name must be non-blank without '=': '" + name + "'");
        }

        if (null == value || value.indexOf('\0') >= 0)
        {
            throw new IllegalArgumentException("env " + name + " needs a value (not null, no NUL)");
        }

        return new SpawnOption("env(" + name + ")", (b) -> b.putEnv(name, value));
    }

    /**
     * Run any executable instead of a JVM; the spec's first argument is then the worker's name, not a class.
     * Supervised the same way: pinning, environment, output, exit watching and respawn.
     *
     * @param command the executable (on the {@code PATH} or a path) and its arguments.
     * @return the option.
     */
    public static SpawnOption command(final String... command)
    {
        final String[] copy = checkStrings("command", command);
        if (0 == copy.length || copy[0].isBlank())
        {
            throw new IllegalArgumentException("command(...) needs an executable: it is empty");
        }

        return new SpawnOption("command" + Arrays.toString(copy), (b) -> b.command(copy));
    }

    /**
     * How the child is respawned when it exits; default {@link RespawnPolicy#onFailure()}.
     *
     * @param policy the respawn policy.
     * @return the option.
     */
    public static SpawnOption respawn(final RespawnPolicy policy)
    {
        if (null == policy)
        {
            throw new IllegalArgumentException("respawn policy must not be null");
        }

        return new SpawnOption("respawn(" + policy + ")", (b) -> b.respawn(policy));
    }

    /**
     * The child's name, used in output prefixes, log file names and {@link SpawnEnvironment#NAME}; default the simple
     * class name, or for a command spec its first argument.
     *
     * @param name the name: not blank, no whitespace, {@code '/'} or {@code '#'}.
     * @return the option.
     */
    public static SpawnOption name(final String name)
    {
        Spec.checkName(name);

        return new SpawnOption("name(" + name + ")", (b) -> b.name(name));
    }

    /**
     * Where the child's stdout and stderr go; default {@link Output#forward()}.
     *
     * @param output the output.
     * @return the option.
     */
    public static SpawnOption output(final Output output)
    {
        if (null == output)
        {
            throw new IllegalArgumentException("output must not be null");
        }

        return new SpawnOption("output(" + output + ")", (b) -> b.output(output));
    }

    void applyTo(final Spec.Builder builder)
    {
        action.accept(builder);
    }

    /**
     * How the option was made, e.g. {@code "cpu(1)"}.
     *
     * @return the description.
     */
    @Override
    public String toString()
    {
        return description;
    }

    private static String[] checkStrings(final String what, final String[] values)
    {
        if (null == values)
        {
            throw new IllegalArgumentException(what + " must not be null");
        }

        final String[] copy = values.clone();
        for (int i = 0; i < copy.length; i++)
        {
            if (null == copy[i])
            {
                throw new IllegalArgumentException(what + "[" + i + "] is null");
            }
        }

        return copy;
    }
}
