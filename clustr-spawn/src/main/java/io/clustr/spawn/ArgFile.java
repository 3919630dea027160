package io.clustr.spawn;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Java {@code @argfile} of the simple kind clustr commits ({@code config/jvm/add-opens.args}): one argument
 * per line, blank lines and {@code #} comment lines ignored, no quoting.
 */
final class ArgFile
{
    /**
     * Where clustr-spawn's jar carries {@code config/jvm/add-opens.args}.
     */
    static final String ADD_OPENS_RESOURCE = "add-opens.args";

    private ArgFile()
    {
    }

    /**
     * The arguments of an argfile's text.
     *
     * @param text the file's content.
     * @return the arguments, in order.
     */
    static List<String> parse(final String text)
    {
        final List<String> args = new ArrayList<>();
        for (final String line : text.split("\r?\n"))
        {
            final String arg = line.trim();
            if (!arg.isEmpty() && !arg.startsWith("#"))
            {
                args.add(arg);
            }
        }

        return List.copyOf(args);
    }

    /**
     * The arguments of an argfile on the class path, next to {@link ArgFile}.
     *
     * @param resource the resource name, relative to this package.
     * @return the arguments, in order.
     * @throws IllegalStateException if the resource is missing (a jar built without it).
     */
    static List<String> readResource(final String resource)
    {
        try (InputStream in = ArgFile.class.getResourceAsStream(resource))
        {
            if (null == in)
            {
                throw new IllegalStateException(
                    "io/clustr/spawn/" + resource + " is missing from clustr-spawn's class path: the jar was not " +
                    "built by its pom (it copies config/jvm/" + resource + ")");
            }

            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read io/clustr/spawn/" + resource, ex);
        }
    }
}
