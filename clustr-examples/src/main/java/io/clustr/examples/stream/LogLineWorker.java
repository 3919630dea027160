package io.clustr.examples.stream;

import io.clustr.Options;
import io.clustr.Worker;
import io.clustr.patterns.stream.StreamWorker;

/**
 * A worker of the log-lines example: parses each line {@code <timestamp> <LEVEL> <message>} and returns
 * {@code <LEVEL> <timestamp> <MESSAGE UPPER-CASED>}; a line that does not parse is returned upper-cased. Exactly one
 * result per line.
 */
public final class LogLineWorker
{
    private LogLineWorker()
    {
    }

    /**
     * Serve the "log-lines" stream.
     *
     * @param args ignored.
     */
    public static void main(final String[] args)
    {
        final Worker worker = Worker.create(Options.group("log-lines"));
        StreamWorker.serve(worker, LogLines.STREAM, (buffer, offset, length, results) ->
            results.emit(transform(buffer.getStringWithoutLengthUtf8(offset, length))));
    }

    /**
     * What the worker makes of a line.
     *
     * @param line of the log.
     * @return its result.
     */
    public static String transform(final String line)
    {
        final int first = line.indexOf(' ');
        final int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
        if (second < 0)
        {
            return line.toUpperCase();
        }

        return line.substring(first + 1, second) + " " + line.substring(0, first) + " " +
            line.substring(second + 1).toUpperCase();
    }
}
