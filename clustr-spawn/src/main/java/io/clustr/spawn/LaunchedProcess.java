package io.clustr.spawn;

import java.nio.file.Path;
import java.util.List;

/**
 * A started process and where its output goes: the two pumps that forward it, or the file its stderr is written to.
 * Made by a {@link ProcessLauncher}; the conductor asks it whether the output has been drained and for the stderr
 * tail of the exit reason.
 */
final class LaunchedProcess
{
    private final Process process;
    private final OutputPump outPump;
    private final OutputPump errPump;
    private final Path errFile;

    /**
     * A process whose output is forwarded by two pumps, or written to files by the child itself.
     *
     * @param process the started process.
     * @param outPump the pump of its stdout, or null when it goes to a file.
     * @param errPump the pump of its stderr, or null when it goes to a file.
     * @param errFile the file its stderr goes to, or null when it is forwarded.
     */
    LaunchedProcess(final Process process, final OutputPump outPump, final OutputPump errPump, final Path errFile)
    {
        this.process = process;
        this.outPump = outPump;
        this.errPump = errPump;
        this.errFile = errFile;
    }

    /**
     * The label of an incarnation, in output prefixes and events: {@code "name#id pid"}.
     *
     * @param name the spec's name.
     * @param id   the incarnation's id.
     * @param pid  its process id.
     * @return the label.
     */
    static String label(final String name, final long id, final long pid)
    {
        return name + "#" + id + " " + pid;
    }

    Process process()
    {
        return process;
    }

    /**
     * Have both output streams reached their end (always true when the output goes to files)?
     *
     * @return true when nothing more will be forwarded.
     */
    boolean isDrained()
    {
        return null == outPump || (outPump.done().isDone() && errPump.done().isDone());
    }

    /**
     * Run an action (from the pump's thread) when both streams have reached their end.
     *
     * @param action what to run; must not block.
     */
    void onDrained(final Runnable action)
    {
        if (null != outPump)
        {
            outPump.done().thenRun(action);
            errPump.done().thenRun(action);
        }
    }

    /**
     * The last lines of stderr, for {@link ExitStatus#reason()}.
     *
     * @return the lines, oldest first; empty if none.
     */
    List<String> stderrTail()
    {
        if (null != errPump)
        {
            return errPump.tail();
        }

        if (null != errFile)
        {
            return Tail.lastLines(errFile, OutputPump.TAIL_LINES);
        }

        return List.of();
    }
}
