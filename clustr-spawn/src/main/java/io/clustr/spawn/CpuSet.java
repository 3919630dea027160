package io.clustr.spawn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;

/**
 * An immutable, sorted set of CPU ids, as the Linux kernel numbers them.
 * <p>
 * The text form is the kernel's list format ({@code "0-2,4"}), the one {@code taskset -c} takes and
 * {@code /proc/<pid>/status} shows as {@code Cpus_allowed_list}. The hex mask form is the one Java-Thread-Affinity
 * reads from {@code -Daffinity.reserved}.
 */
public final class CpuSet
{
    /**
     * The largest CPU id accepted: ids above it are surely a mistake and would make huge masks.
     */
    public static final int MAX_CPU_ID = 4095;

    /**
     * The empty set: a child that is not pinned.
     */
    public static final CpuSet EMPTY = new CpuSet(new BitSet());

    private static final Path PROC_SELF_STATUS = Path.of("/proc/self/status");
    private static final String CPUS_ALLOWED_LIST = "Cpus_allowed_list:";

    private final BitSet bits;
    private final int[] cpus;
    private final String list;

    private CpuSet(final BitSet bits)
    {
        this.bits = bits;
        this.cpus = bits.stream().toArray();
        this.list = format(cpus);
    }

    /**
     * The set of the given CPU ids (duplicates are ignored, order does not matter).
     *
     * @param cpus CPU ids, each in {@code 0..MAX_CPU_ID}.
     * @return the set.
     * @throws IllegalArgumentException if {@code cpus} is null or an id is negative or above {@link #MAX_CPU_ID}.
     */
    public static CpuSet of(final int... cpus)
    {
        if (null == cpus)
        {
            throw new IllegalArgumentException("cpus must not be null");
        }

        final BitSet bits = new BitSet();
        for (final int cpu : cpus)
        {
            bits.set(checkCpu(cpu));
        }

        return bits.isEmpty() ? EMPTY : new CpuSet(bits);
    }

    /**
     * Parse the kernel's list format: comma separated ids and inclusive ranges, such as {@code "0-2,4"}. Blanks around
     * items are ignored; an empty or blank text is the empty set.
     *
     * @param list the text to parse.
     * @return the set.
     * @throws IllegalArgumentException naming the bad item when the text is not a CPU list.
     */
    public static CpuSet parse(final String list)
    {
        if (null == list)
        {
            throw new IllegalArgumentException("CPU list must not be null");
        }

        final String text = list.trim();
        if (text.isEmpty())
        {
            return EMPTY;
        }

        final BitSet bits = new BitSet();
        for (final String rawItem : text.split(",", -1))
        {
            final String item = rawItem.trim();
            final int dash = item.indexOf('-');
            try
            {
                if (dash < 0)
                {
                    bits.set(checkCpu(Integer.parseInt(item)));
                }
                else
                {
                    final int from = checkCpu(Integer.parseInt(item.substring(0, dash).trim()));
                    final int to = checkCpu(Integer.parseInt(item.substring(dash + 1).trim()));
                    if (from > to)
                    {
                        throw new IllegalArgumentException(
                            "bad CPU list '" + list + "': range '" + item + "' runs backwards");
                    }
                    bits.set(from, to + 1);
                }
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(
                    "bad CPU list '" + list + "': '" + item + "' is not a CPU id or a range such as 0-3", ex);
            }
        }

        return new CpuSet(bits);
    }

    /**
     * The CPUs this process may run on: {@code Cpus_allowed_list} of {@code /proc/self/status} (which honours
     * {@code taskset} and cgroup cpusets), or {@code 0..availableProcessors-1} where that file is not readable.
     *
     * @return the CPUs this process may run on, never empty.
     */
    public static CpuSet allowed()
    {
        try
        {
            final List<String> lines = Files.readAllLines(PROC_SELF_STATUS, StandardCharsets.US_ASCII);
            for (final String line : lines)
            {
                if (line.startsWith(CPUS_ALLOWED_LIST))
                {
                    final CpuSet allowed = parse(line.substring(CPUS_ALLOWED_LIST.length()));
                    if (!allowed.isEmpty())
                    {
                        return allowed;
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // not Linux, or /proc not mounted: fall back below
        }

        final BitSet bits = new BitSet();
        bits.set(0, Math.max(1, Runtime.getRuntime().availableProcessors()));

        return new CpuSet(bits);
    }

    /**
     * Is the set empty?
     *
     * @return true when the set holds no CPU.
     */
    public boolean isEmpty()
    {
        return 0 == cpus.length;
    }

    /**
     * The number of CPUs in the set.
     *
     * @return the number of CPUs in the set.
     */
    public int size()
    {
        return cpus.length;
    }

    /**
     * The lowest CPU id in the set.
     *
     * @return the lowest CPU id, or -1 when the set is empty.
     */
    public int first()
    {
        return 0 == cpus.length ? -1 : cpus[0];
    }

    /**
     * Does the set hold this CPU?
     *
     * @param cpu a CPU id.
     * @return true if the set holds {@code cpu}.
     */
    public boolean contains(final int cpu)
    {
        return cpu >= 0 && bits.get(cpu);
    }

    /**
     * Does the set hold every CPU of another set?
     *
     * @param other the other set.
     * @return true if every CPU of {@code other} is in this set.
     */
    public boolean containsAll(final CpuSet other)
    {
        final BitSet missing = (BitSet)other.bits.clone();
        missing.andNot(bits);

        return missing.isEmpty();
    }

    /**
     * The CPUs of {@code other} that are not in this set.
     *
     * @param other the other set.
     * @return {@code other} minus this set.
     */
    public CpuSet missingFrom(final CpuSet other)
    {
        final BitSet missing = (BitSet)other.bits.clone();
        missing.andNot(bits);

        return missing.isEmpty() ? EMPTY : new CpuSet(missing);
    }

    /**
     * The CPU ids in ascending order.
     *
     * @return a new array of the CPU ids in ascending order.
     */
    public int[] toArray()
    {
        return cpus.clone();
    }

    /**
     * The kernel's list format, with ranges folded: {@code "1-2,4"}. The empty set gives {@code ""}.
     *
     * @return the set in the kernel's list format, as {@code taskset -c} takes it.
     */
    public String toList()
    {
        return list;
    }

    /**
     * The set as a hexadecimal bit mask without a prefix, bit {@code n} for CPU {@code n}: {@code {1}} gives
     * {@code "2"}, {@code {0,1,2,3}} gives {@code "f"}, the empty set {@code "0"}. This is the format of
     * {@code -Daffinity.reserved} (which Java-Thread-Affinity reads as a {@code long}, so only for CPUs below 63).
     *
     * @return the hexadecimal mask.
     */
    public String toHexMask()
    {
        final long[] words = bits.toLongArray();
        if (0 == words.length)
        {
            return "0";
        }

        final StringBuilder sb = new StringBuilder(words.length * 16);
        sb.append(Long.toHexString(words[words.length - 1]));
        for (int i = words.length - 2; i >= 0; i--)
        {
            final String word = Long.toHexString(words[i]);
            for (int pad = word.length(); pad < 16; pad++)
            {
                sb.append('0');
            }
            sb.append(word);
        }

        return sb.toString();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean equals(final Object o)
    {
        return this == o || (o instanceof CpuSet && bits.equals(((CpuSet)o).bits));
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int hashCode()
    {
        return bits.hashCode();
    }

    /**
     * The set in the kernel's list format, as {@link #toList()}.
     *
     * @return the set in the kernel's list format.
     */
    @Override
    public String toString()
    {
        return list;
    }

    private static int checkCpu(final int cpu)
    {
        if (cpu < 0)
        {
            throw new IllegalArgumentException("cpu " + cpu + " is negative: CPU ids start at 0");
        }

        if (cpu > MAX_CPU_ID)
        {
            throw new IllegalArgumentException("cpu " + cpu + " is out of range: CPU ids go up to " + MAX_CPU_ID);
        }

        return cpu;
    }

    private static String format(final int[] cpus)
    {
        final StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < cpus.length)
        {
            int j = i;
            while (j + 1 < cpus.length && cpus[j + 1] == cpus[j] + 1)
            {
                j++;
            }

            if (sb.length() > 0)
            {
                sb.append(',');
            }
            sb.append(cpus[i]);
            if (j > i)
            {
                sb.append('-').append(cpus[j]);
            }
            i = j + 1;
        }

        return sb.toString();
    }
}
