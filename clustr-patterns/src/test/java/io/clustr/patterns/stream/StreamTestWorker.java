package io.clustr.patterns.stream;

import io.clustr.Options;
import io.clustr.Worker;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * A worker main for the stream system tests: serves the stream named by its first argument with the processor named
 * by its second, then confirms "ready" to the master:
 * <ul>
 *     <li>{@code upper}: one result, the message upper-cased;</li>
 *     <li>{@code tagged:<micros>}: waits that long (a slow worker), then one result {@code <workerId>:<message>};</li>
 *     <li>{@code fail-on:<text>}: throws on a message equal to the text, otherwise as {@code upper};</li>
 *     <li>{@code split}: one result per space-separated word, none for an empty message.</li>
 * </ul>
 */
public final class StreamTestWorker
{
    private StreamTestWorker()
    {
    }

    public static void main(final String[] args)
    {
        final Worker worker = Worker.create(Options.group("stream"));
        final String mode = args[1];
        final StreamProcessor processor;
        if (mode.equals("upper"))
        {
            processor = (buffer, offset, length, results) ->
                results.emit(buffer.getStringWithoutLengthUtf8(offset, length).toUpperCase());
        }
        else if (mode.startsWith("tagged:"))
        {
            final long pauseNs = Long.parseLong(mode.substring("tagged:".length())) * 1000;
            final String tag = worker.id() + ":";
            processor = (buffer, offset, length, results) ->
            {
                final long deadline = System.nanoTime() + pauseNs;
                while (System.nanoTime() - deadline < 0)
                {
                    LockSupport.parkNanos(deadline - System.nanoTime());
                }
                results.emit(tag + buffer.getStringWithoutLengthUtf8(offset, length));
            };
        }
        else if (mode.startsWith("fail-on:"))
        {
            final String poison = mode.substring("fail-on:".length());
            processor = (buffer, offset, length, results) ->
            {
                final String text = buffer.getStringWithoutLengthUtf8(offset, length);
                if (text.equals(poison))
                {
                    throw new IllegalStateException("cannot process " + text);
                }
                results.emit(text.toUpperCase());
            };
        }
        else if (mode.equals("split"))
        {
            processor = (buffer, offset, length, results) ->
            {
                final String text = buffer.getStringWithoutLengthUtf8(offset, length);
                if (!text.isEmpty())
                {
                    for (final String word : text.split(" "))
                    {
                        results.emit(word.getBytes(StandardCharsets.UTF_8));
                    }
                }
            };
        }
        else
        {
            throw new IllegalArgumentException("unknown mode " + mode);
        }

        StreamWorker.serve(worker, args[0], processor);
        worker.confirm("ready");
    }
}
