package io.clustr.system;

import io.clustr.spawn.Supervisor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A JVM a test starts itself (not through clustr's supervisor), with its output collected line by line.
 */
final class ChildJvm implements AutoCloseable
{
    final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private ChildJvm(final Process process)
    {
        this.process = process;
        reader = new Thread(this::read, "child-jvm-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param addOpens    whether to give the JVM clustr's add-opens flags.
     * @param environment variables to add (a null value removes one).
     * @param jvmArgs     more JVM flags, before the main class.
     * @param mainClass   the main class, from the test class path.
     * @param args        its arguments.
     */
    static ChildJvm start(
        final boolean addOpens,
        final Map<String, String> environment,
        final List<String> jvmArgs,
        final String mainClass,
        final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (addOpens)
        {
            command.addAll(Supervisor.Configuration.ADD_OPENS_JVM_ARGS);
        }
        command.addAll(List.of("-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));

        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        environment.forEach((name, value) ->
        {
            if (null == value)
            {
                builder.environment().remove(name);
            }
            else
            {
                builder.environment().put(name, value);
            }
        });

        return new ChildJvm(builder.start());
    }

    private void read()
    {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = in.readLine()))
            {
                lines.add(line);
            }
        }
        catch (final IOException ignore)
        {
            // process gone
        }
    }

    /**
     * Wait for a line starting with the prefix and return it.
     */
    String awaitLine(final String prefix, final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() - deadlineNs < 0)
        {
            for (final String line : lines)
            {
                if (line.startsWith(prefix))
                {
                    return line;
                }
            }
            if (!process.isAlive() && !reader.isAlive())
            {
                break;
            }
            Thread.sleep(10);
        }

        throw new AssertionError("no line starting with '" + prefix + "' from pid " + process.pid() + " (alive=" +
            process.isAlive() + "): " + lines);
    }

    /**
     * Wait for the process to exit, and its output to be read.
     *
     * @return the exit code.
     */
    int awaitExit(final long timeoutMs) throws InterruptedException
    {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
        {
            throw new AssertionError("pid " + process.pid() + " still running after " + timeoutMs + " ms: " + lines);
        }
        reader.join(timeoutMs);
        return process.exitValue();
    }

    String output()
    {
        return String.join("\n", lines);
    }

    long pid()
    {
        return process.pid();
    }

    public void close()
    {
        process.destroyForcibly();
        try
        {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
