package io.clustr.spawn;

import java.util.List;
import java.util.Objects;

/**
 * How a child exited: its exit code, the signal that killed it if any, and a human reason that carries the last
 * lines of its stderr when it failed.
 * <p>
 * The JDK reports death by signal N as exit code {@code 128 + N}, as shells do, so a process that calls
 * {@code exit(137)} looks the same as one killed by SIGKILL. {@link #signal()} reads {@code 128 + N} as signal N
 * unless the child was seen to exit by itself with that code (see {@link Supervisor#expectExit(long, int,
 * java.time.Duration)}).
 */
public final class ExitStatus
{
    /**
     * The highest signal number on Linux ({@code SIGRTMAX}).
     */
    public static final int MAX_SIGNAL = 64;

    private static final String[] SIGNAL_NAMES =
    {
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
        "SIGSYS"
    };

    private final int code;
    private final int signal;
    private final List<String> lastErrorLines;
    private final String reason;

    private ExitStatus(final int code, final int signal, final List<String> lastErrorLines)
    {
        this.code = code;
        this.signal = signal;
        this.lastErrorLines = lastErrorLines;
        this.reason = reason(code, signal, lastErrorLines);
    }

    private ExitStatus(final int code, final int signal, final String reason)
    {
        this.code = code;
        this.signal = signal;
        this.lastErrorLines = List.of();
        this.reason = reason;
    }

    /**
     * An exit status as another process reported it (a worker's parent, in an exit notice), keeping the reason text
     * as that process wrote it.
     *
     * @param code   the exit code.
     * @param signal the signal that killed the process, or 0.
     * @param reason the reported reason; when blank, one is made from code and signal.
     * @return the exit status.
     */
    public static ExitStatus reported(final int code, final int signal, final String reason)
    {
        if (signal < 0 || signal > MAX_SIGNAL)
        {
            throw new IllegalArgumentException("signal must be in 0.." + MAX_SIGNAL + ": " + signal);
        }

        return null == reason || reason.isBlank() ?
            new ExitStatus(code, signal, List.of()) : new ExitStatus(code, signal, reason);
    }

    /**
     * An exit status with an explicit signal, e.g. one a remote node reported.
     *
     * @param code           the exit code ({@code 128 + signal} for a death by signal, as the JDK reports it).
     * @param signal         the signal that killed the process, or 0.
     * @param lastErrorLines the last lines of the child's stderr, oldest first (may be empty, not null).
     * @return the exit status.
     */
    public static ExitStatus of(final int code, final int signal, final List<String> lastErrorLines)
    {
        if (signal < 0 || signal > MAX_SIGNAL)
        {
            throw new IllegalArgumentException("signal must be in 0.." + MAX_SIGNAL + ": " + signal);
        }

        if (null == lastErrorLines)
        {
            throw new IllegalArgumentException("lastErrorLines must not be null");
        }

        return new ExitStatus(code, signal, List.copyOf(lastErrorLines));
    }

    /**
     * The status of a process whose {@link Process#exitValue()} was {@code exitValue}.
     *
     * @param exitValue      what the JDK reported.
     * @param exitedByItself true when the process is known to have exited with this code by itself, so a code in
     *                       {@code 129..192} is not a signal.
     * @param lastErrorLines the last lines of its stderr.
     * @return the exit status.
     */
    static ExitStatus fromExitValue(
        final int exitValue, final boolean exitedByItself, final List<String> lastErrorLines)
    {
        final int signal = !exitedByItself && exitValue > 128 && exitValue <= 128 + MAX_SIGNAL ? exitValue - 128 : 0;

        return new ExitStatus(exitValue, signal, List.copyOf(lastErrorLines));
    }

    /**
     * The exit code, as {@link Process#exitValue()} gives it: death by signal N is {@code 128 + N}.
     *
     * @return the exit code.
     */
    public int code()
    {
        return code;
    }

    /**
     * The signal that killed the process.
     *
     * @return N when the code is {@code 128 + N} (N in 1..64) and the process was not seen to exit by itself, else 0.
     */
    public int signal()
    {
        return signal;
    }

    /**
     * Did the process exit with code 0?
     *
     * @return true if the code is 0.
     */
    public boolean isSuccess()
    {
        return 0 == code;
    }

    /**
     * The last lines the child wrote to stderr (at most about 20), oldest first.
     *
     * @return the last stderr lines, possibly empty.
     */
    public List<String> lastErrorLines()
    {
        return lastErrorLines;
    }

    /**
     * Human text: {@code "exit code 1"} or {@code "killed by signal 9 (SIGKILL)"}, followed on failure by the last
     * lines of the child's stderr, joined with {@code " | "}: e.g.
     * {@code "exit code 1: Error: Could not find or load main class x.Y | Caused by: ..."}.
     *
     * @return the reason.
     */
    public String reason()
    {
        return reason;
    }

    /**
     * The name of a signal, such as {@code "SIGKILL"} for 9.
     *
     * @param signal the signal number.
     * @return its name, {@code "SIGRTMIN+n"} for real-time signals, or {@code "signal n"} when unknown.
     */
    public static String signalName(final int signal)
    {
        if (signal > 0 && signal < SIGNAL_NAMES.length)
        {
            return SIGNAL_NAMES[signal];
        }

        if (signal >= 34 && signal <= MAX_SIGNAL)
        {
            return 34 == signal ? "SIGRTMIN" : "SIGRTMIN+" + (signal - 34);
        }

        return "signal " + signal;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }

        if (!(o instanceof ExitStatus))
        {
            return false;
        }

        final ExitStatus that = (ExitStatus)o;

        return code == that.code && signal == that.signal && lastErrorLines.equals(that.lastErrorLines);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int hashCode()
    {
        return Objects.hash(code, signal, lastErrorLines);
    }

    /**
     * The {@link #reason()}.
     *
     * @return the reason.
     */
    @Override
    public String toString()
    {
        return reason;
    }

    private static String reason(final int code, final int signal, final List<String> lastErrorLines)
    {
        final StringBuilder sb = new StringBuilder(64);
        if (0 != signal)
        {
            sb.append("killed by signal ").append(signal).append(" (").append(signalName(signal)).append(')');
        }
        else
        {
            sb.append("exit code ").append(code);
        }

        if (0 != code && !lastErrorLines.isEmpty())
        {
            // Notes on how a thread was pinned say nothing of why the process failed.
            final List<String> lines = lastErrorLines.stream().filter((line) -> !Pinning.isPinningNote(line)).toList();
            if (!lines.isEmpty())
            {
                sb.append(": ").append(String.join(" | ", lines));
            }
        }

        return sb.toString();
    }
}
