package io.clustr.system;

import io.clustr.Channel;
import io.clustr.ClustrException;
import io.clustr.Message;
import io.clustr.Node;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The private handler of one of two nodes that echo to each other: every echo message it receives with hops left
 * is published back to its sender with one hop less, from the handler (so on the node's duty-cycle thread). A
 * publish that fails with a {@link ClustrException} (the other node's stream is full: back-pressure from inside a
 * handler) is caught and counted, and that message is dropped; nothing else is caught.
 * <p>
 * A message is {@link #MESSAGE_LENGTH} bytes: type (byte 0), phase (byte 1), hops left (int at 4), sequence (long at
 * 8). A sentinel is echoed like any message with hops left by a node created with {@code echoSentinels}, and handed
 * to {@link #sentinels()} by the other.
 */
final class EchoHandler
{
    static final int MESSAGE_LENGTH = 1024;
    static final byte ECHO = 1;
    static final byte SENTINEL = 2;
    static final int PHASES = 4;

    private final Node node;
    private final boolean echoSentinels;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[MESSAGE_LENGTH]);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong echoed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLongArray completed = new AtomicLongArray(PHASES);
    private final Set<String> failureTypes = new TreeSet<>();
    private final BlockingQueue<Long> sentinels = new LinkedBlockingQueue<>();
    private volatile String firstFailure = "-";

    EchoHandler(final Node node, final boolean echoSentinels)
    {
        this.node = node;
        this.echoSentinels = echoSentinels;
    }

    /**
     * Fill a buffer with a message.
     */
    static void encode(
        final UnsafeBuffer buffer, final byte type, final int phase, final int hops, final long sequence)
    {
        buffer.putByte(0, type);
        buffer.putByte(1, (byte)phase);
        buffer.putInt(4, hops);
        buffer.putLong(8, sequence);
    }

    /**
     * Handle a message if it is an echo message or a sentinel.
     *
     * @return false if it is neither (a text command or report): the caller handles it.
     */
    boolean onMessage(final Message msg)
    {
        final DirectBuffer buffer = msg.buffer();
        final int offset = msg.offset();
        if (MESSAGE_LENGTH != msg.length())
        {
            return false;
        }

        final byte type = buffer.getByte(offset);
        if (SENTINEL == type && !echoSentinels)
        {
            sentinels.add(buffer.getLong(offset + 8));
            return true;
        }
        if (ECHO != type && SENTINEL != type)
        {
            return false;
        }

        received.incrementAndGet();
        final int hops = buffer.getInt(offset + 4);
        if (hops <= 0)
        {
            completed.incrementAndGet(buffer.getByte(offset + 1) & (PHASES - 1));
            return true;
        }

        scratch.putBytes(0, buffer, offset, MESSAGE_LENGTH);
        scratch.putInt(4, hops - 1);
        try
        {
            node.publish(Channel.worker(msg.senderId()), scratch, 0, MESSAGE_LENGTH);
            echoed.incrementAndGet();
        }
        catch (final ClustrException ex)
        {
            if (0 == failures.getAndIncrement())
            {
                firstFailure = ex.getClass().getName() + ": " + ex.getMessage();
            }
            synchronized (failureTypes)
            {
                failureTypes.add(ex.getClass().getName());
            }
        }

        return true;
    }

    long received()
    {
        return received.get();
    }

    long echoed()
    {
        return echoed.get();
    }

    long failures()
    {
        return failures.get();
    }

    long completed(final int phase)
    {
        return completed.get(phase);
    }

    Set<String> failureTypes()
    {
        synchronized (failureTypes)
        {
            return new TreeSet<>(failureTypes);
        }
    }

    String firstFailure()
    {
        return firstFailure;
    }

    BlockingQueue<Long> sentinels()
    {
        return sentinels;
    }

    /**
     * {@code received|echoed|failures|failureTypes (comma separated, or -)|completed per phase (comma
     * separated)|firstFailure}.
     */
    String stats()
    {
        final Set<String> types = failureTypes();
        final StringBuilder sb = new StringBuilder()
            .append(received()).append('|').append(echoed()).append('|').append(failures()).append('|')
            .append(types.isEmpty() ? "-" : String.join(",", types)).append('|');
        for (int phase = 0; phase < PHASES; phase++)
        {
            sb.append(0 == phase ? "" : ",").append(completed(phase));
        }

        return sb.append('|').append(firstFailure.replace('|', '/')).toString();
    }
}
