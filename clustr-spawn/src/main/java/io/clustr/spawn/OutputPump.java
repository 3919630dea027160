package io.clustr.spawn;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Drains one stream of a child on a daemon thread of its own, line by line: each line goes to a {@link LineSink}
 * (forwarded with a prefix, or written to a rotated file) and the last few non-blank ones are kept for
 * {@link ExitStatus#reason()}. Lines longer than {@link #MAX_LINE_BYTES} are cut into pieces so a child that never
 * writes a newline cannot exhaust the parent's memory. The pump never stops reading before the end of the stream,
 * whatever its sink does, so the child never blocks on a full pipe.
 */
final class OutputPump implements Runnable
{
    private static final System.Logger LOGGER = System.getLogger(Supervisor.class.getName());

    static final int MAX_LINE_BYTES = 16 * 1024;
    static final int TAIL_LINES = 20;

    private final InputStream in;
    private final LineSink sink;
    private final String label;
    private final int tailLines;
    private final Charset charset;
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private boolean sinkFailed;

    OutputPump(final InputStream in, final PrintStream sink, final String prefix, final int tailLines)
    {
        this(null == prefix ? "" : prefix, in, null == sink ? null : new ForwardSink(sink, prefix, false), tailLines);
    }

    /**
     * @param label     names the stream in a warning.
     * @param in        the stream to drain.
     * @param sink      where its lines go, or null to drop them.
     * @param tailLines how many of the last non-blank lines to keep.
     */
    OutputPump(final String label, final InputStream in, final LineSink sink, final int tailLines)
    {
        this.in = in;
        this.sink = sink;
        this.label = label;
        this.tailLines = tailLines;
        this.charset = Charset.defaultCharset();
    }

    OutputPump start(final String threadName)
    {
        final Thread thread = new Thread(this, threadName);
        thread.setDaemon(true);
        thread.start();

        return this;
    }

    @Override
    public void run()
    {
        final byte[] buffer = new byte[8192];
        final byte[] line = new byte[MAX_LINE_BYTES];
        int lineLength = 0;
        try
        {
            int read;
            while ((read = in.read(buffer)) >= 0)
            {
                for (int i = 0; i < read; i++)
                {
                    final byte b = buffer[i];
                    if ('\n' == b)
                    {
                        emit(line, lineLength);
                        lineLength = 0;
                    }
                    else
                    {
                        if (MAX_LINE_BYTES == lineLength)
                        {
                            emit(line, lineLength);
                            lineLength = 0;
                        }
                        line[lineLength++] = b;
                    }
                }

                if (null != sink && !sinkFailed)
                {
                    sink.flush();
                }
            }
        }
        catch (final IOException ignore)
        {
            // the stream was closed under us: the child is gone
        }
        catch (final RuntimeException ex)
        {
            LOGGER.log(System.Logger.Level.ERROR, "clustr: output pump of " + label + " failed", ex);
        }
        finally
        {
            if (lineLength > 0)
            {
                emit(line, lineLength);
            }

            if (null != sink)
            {
                try
                {
                    sink.close();
                }
                catch (final RuntimeException ex)
                {
                    LOGGER.log(System.Logger.Level.ERROR, "clustr: output pump of " + label + " failed", ex);
                }
            }

            try
            {
                in.close();
            }
            catch (final IOException ignore)
            {
                // nothing more to read anyway
            }

            done.complete(null);
        }
    }

    /**
     * Completes when the stream has reached its end (the child and any process that inherited the stream are gone).
     *
     * @return the future of the end of the stream.
     */
    CompletableFuture<Void> done()
    {
        return done;
    }

    /**
     * The last lines read, oldest first.
     *
     * @return a copy of the kept lines.
     */
    List<String> tail()
    {
        synchronized (tail)
        {
            return new ArrayList<>(tail);
        }
    }

    private void emit(final byte[] line, final int length)
    {
        final int end = length > 0 && '\r' == line[length - 1] ? length - 1 : length;
        if (null != sink && !sinkFailed)
        {
            try
            {
                sink.line(line, end);
            }
            catch (final RuntimeException ex)
            {
                // keep draining, or the child blocks on a full pipe
                sinkFailed = true;
                LOGGER.log(System.Logger.Level.ERROR, "clustr: output of " + label + " failed: its lines are " +
                    "dropped from now on", ex);
            }
        }

        if (tailLines <= 0)
        {
            return;
        }

        final String text = new String(line, 0, end, charset);
        if (!text.isBlank())
        {
            synchronized (tail)
            {
                if (tail.size() == tailLines)
                {
                    tail.pollFirst();
                }
                tail.addLast(text);
            }
        }
    }
}
