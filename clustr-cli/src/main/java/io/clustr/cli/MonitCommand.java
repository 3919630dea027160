package io.clustr.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code clustr monit}: a live table of every node of the clusters of the host with rates, redrawn every interval.
 */
@Command(
    name = "monit",
    mixinStandardHelpOptions = true,
    description = {
        "A live view of every node of the clusters of this host (found as clustr ls finds them): state, restarts, " +
            "uptime, CPU %, RSS and messages, bytes, back-pressure events and errors per second, computed from two " +
            "readings of the counters an interval apart; and the log bytes per second of each stream.",
        "On a terminal the table is redrawn in place; q or Ctrl-C quits. Otherwise (a pipe, a file) it prints a " +
            "timestamped table every interval."
    })
final class MonitCommand implements Callable<Integer>
{
    private static final String ANSI_HIDE_CURSOR = "\033[?25l";
    private static final String ANSI_SHOW_CURSOR = "\033[?25h";
    private static final String ANSI_CLEAR_SCREEN = "\033[2J";

    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "A driver directory to show (repeatable); " +
        "default: every one found on the host.")
    private List<Path> directories = new ArrayList<>();

    @Option(names = "--interval", paramLabel = "MS", defaultValue = "1000",
        description = "Time between readings, in ms (100 or more). Default: ${DEFAULT-VALUE}.")
    private long intervalMs;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "0",
        description = "Stop after N tables (0: until q or Ctrl-C). Default: ${DEFAULT-VALUE}.")
    private long iterations;

    @Option(names = "--plain", description = "Plain lines even on a terminal (no ANSI redraw, no q key).")
    private boolean plain;

    @Override
    public Integer call() throws InterruptedException
    {
        if (intervalMs < 100)
        {
            throw new CliException("--interval must be 100 ms or more, not " + intervalMs);
        }
        if (iterations < 0)
        {
            throw new CliException("--iterations must be 0 (no limit) or more, not " + iterations);
        }

        final PrintWriter out = spec.commandLine().getOut();
        final boolean ansi = !plain && null != System.console();
        final CountDownLatch quit = new CountDownLatch(1);
        final Terminal terminal = ansi ? Terminal.enterKeyMode(quit) : null;
        final Thread restore = new Thread(() -> leave(out, terminal), "clustr-monit-restore");
        if (ansi)
        {
            Runtime.getRuntime().addShutdownHook(restore);
            out.print(ANSI_HIDE_CURSOR + ANSI_CLEAR_SCREEN);
            out.flush();
        }

        try
        {
            Sample before = Sample.take(directories);
            for (long i = 0; 0 == iterations || i < iterations; i++)
            {
                if (quit.await(intervalMs, TimeUnit.MILLISECONDS))
                {
                    break;
                }
                final Sample after = Sample.take(directories);
                final String frame = MonitView.render(Rates.between(before, after, Proc.CLOCK_TICKS_PER_SECOND), ansi);
                out.print(frame);
                if (!ansi)
                {
                    out.println();
                }
                out.flush();
                before = after;
            }
        }
        finally
        {
            if (ansi)
            {
                leave(out, terminal);
                try
                {
                    Runtime.getRuntime().removeShutdownHook(restore);
                }
                catch (final IllegalStateException ex)
                {
                    // shutting down already: the hook runs
                }
            }
        }

        return 0;
    }

    private static void leave(final PrintWriter out, final Terminal terminal)
    {
        if (null != terminal)
        {
            terminal.restore();
        }
        out.print(ANSI_SHOW_CURSOR);
        out.println();
        out.flush();
    }

    /**
     * The controlling terminal in character mode (no line buffering, no echo) so a q is read at once; Ctrl-C still
     * sends SIGINT. Uses {@code stty} on {@code /dev/tty} and puts back the settings it found.
     */
    static final class Terminal
    {
        private final String saved;
        private volatile boolean restored;

        private Terminal(final String saved)
        {
            this.saved = saved;
        }

        static Terminal enterKeyMode(final CountDownLatch quit)
        {
            final String saved = stty("-g");
            if (null == saved || null == stty("-icanon", "-echo", "min", "1"))
            {
                return null; // no stty: Ctrl-C still quits
            }

            final Terminal terminal = new Terminal(saved.trim());
            final Thread keys = new Thread(() -> readKeys(System.in, quit), "clustr-monit-keys");
            keys.setDaemon(true);
            keys.start();

            return terminal;
        }

        void restore()
        {
            if (!restored)
            {
                restored = true;
                stty(saved);
            }
        }

        private static void readKeys(final InputStream in, final CountDownLatch quit)
        {
            try
            {
                int c;
                while ((c = in.read()) >= 0)
                {
                    if ('q' == c || 'Q' == c)
                    {
                        break;
                    }
                }
            }
            catch (final IOException ex)
            {
                // no input: quit as at end of input
            }
            quit.countDown();
        }

        private static String stty(final String... args)
        {
            final List<String> command = new ArrayList<>();
            command.add("stty");
            command.addAll(List.of(args));
            try
            {
                final Process process = new ProcessBuilder(command)
                    .redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
                final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                return process.waitFor(5, TimeUnit.SECONDS) && 0 == process.exitValue() ? output : null;
            }
            catch (final IOException ex)
            {
                return null;
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }
}
