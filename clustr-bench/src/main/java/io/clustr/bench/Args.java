package io.clustr.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal {@code --key value} parser for the bench's child processes.
 * <p>
 * Children deliberately avoid picocli so that their start-up time is the JVM's and the transport's, not a CLI
 * library's; only the orchestrator ({@link BenchRunner}) uses picocli.
 */
public final class Args
{
    private final Map<String, String> values = new HashMap<>();

    private Args()
    {
    }

    /**
     * Parse {@code --key value} pairs; a {@code --key} followed by another option or by nothing is {@code "true"}.
     *
     * @param args the command line.
     * @return the parsed options.
     */
    public static Args parse(final String[] args)
    {
        final Args parsed = new Args();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (!arg.startsWith("--"))
            {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }

            final String key = arg.substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--"))
            {
                parsed.values.put(key, args[++i]);
            }
            else
            {
                parsed.values.put(key, "true");
            }
        }

        return parsed;
    }

    /**
     * A string option.
     *
     * @param key          option name without the leading dashes.
     * @param defaultValue value when absent.
     * @return the value.
     */
    public String string(final String key, final String defaultValue)
    {
        final String value = values.get(key);
        return null == value ? defaultValue : value;
    }

    /**
     * A mandatory string option.
     *
     * @param key option name without the leading dashes.
     * @return the value.
     */
    public String required(final String key)
    {
        final String value = values.get(key);
        if (null == value)
        {
            throw new IllegalArgumentException("missing --" + key);
        }

        return value;
    }

    /**
     * An int option.
     *
     * @param key          option name without the leading dashes.
     * @param defaultValue value when absent.
     * @return the value.
     */
    public int intValue(final String key, final int defaultValue)
    {
        final String value = values.get(key);
        return null == value ? defaultValue : Integer.parseInt(value);
    }

    /**
     * A long option.
     *
     * @param key          option name without the leading dashes.
     * @param defaultValue value when absent.
     * @return the value.
     */
    public long longValue(final String key, final long defaultValue)
    {
        final String value = values.get(key);
        return null == value ? defaultValue : Long.parseLong(value);
    }

    /**
     * A comma separated list of ints, e.g. {@code --sizes 32,1024}.
     *
     * @param key          option name without the leading dashes.
     * @param defaultValue value when absent.
     * @return the values.
     */
    public int[] intList(final String key, final String defaultValue)
    {
        final String[] parts = string(key, defaultValue).split(",");
        final int[] result = new int[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            result[i] = Integer.parseInt(parts[i].trim());
        }

        return result;
    }

    /**
     * Render options back to a command line, for passing them on to a child.
     *
     * @param options key, value, key, value...
     * @return the command line fragment.
     */
    public static List<String> toCommandLine(final Object... options)
    {
        final List<String> line = new ArrayList<>();
        for (int i = 0; i < options.length; i += 2)
        {
            line.add("--" + options[i]);
            line.add(String.valueOf(options[i + 1]));
        }

        return line;
    }
}
