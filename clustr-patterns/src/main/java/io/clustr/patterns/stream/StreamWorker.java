package io.clustr.patterns.stream;

import io.clustr.BackPressureException;
import io.clustr.Channel;
import io.clustr.ClustrException;
import io.clustr.Message;
import io.clustr.Node;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker side of a stream ({@link StreamManager}): serves the messages of a named stream with a
 * {@link StreamProcessor}, on the node's duty-cycle thread, one at a time, in the order they arrive.
 * <pre>{@code
 * Worker worker = Worker.create(group("upper"));
 * StreamWorker.serve(worker, "lines", (buffer, offset, length, results) ->
 *     results.emit(buffer.getStringWithoutLengthUtf8(offset, length).toUpperCase()));
 * }</pre>
 * Serving announces the worker to every manager of the stream, those that start later included. The results of a
 * message go back to its manager in one frame when the processor returns; if the manager's stream is back-pressured
 * the worker waits (its own stream then fills and the manager's credit stops it: back-pressure reaches the producer).
 */
public final class StreamWorker
{
    private static final long BACK_PRESSURE_PAUSE_NS = TimeUnit.MICROSECONDS.toNanos(50);

    private final Node node;
    private final byte[] nameBytes;
    private final int port = StreamManager.nextPort();
    private final StreamProcessor processor;
    private final Results results = new Results();
    private final ExpandableArrayBuffer controlBuffer = new ExpandableArrayBuffer(512);
    private final Long2ObjectHashMap<Channel> channels = new Long2ObjectHashMap<>();
    private long processed;
    private long failed;

    private StreamWorker(final Node node, final String name, final StreamProcessor processor)
    {
        this.node = Objects.requireNonNull(node, "node must not be null");
        this.nameBytes = StreamFrames.nameBytes(name);
        this.processor = Objects.requireNonNull(processor, "processor must not be null");
    }

    /**
     * Serve a stream on this node: announce it to the stream's managers and process what they send.
     *
     * @param node      the worker (any node but the manager's).
     * @param name      of the stream, the same as its manager's.
     * @param processor of each message.
     * @return the served stream.
     */
    public static StreamWorker serve(final Node node, final String name, final StreamProcessor processor)
    {
        final StreamWorker worker = new StreamWorker(node, name, processor);
        node.services().onFrame(worker::onFrame);
        // managers that start later send HELLO, and this answers it; those already up hear this READY
        final int length = worker.encodeReady();
        node.services().publish(Channel.PUBLIC, worker.controlBuffer, 0, length);

        return worker;
    }

    /**
     * @return messages processed (completed or failed) by this worker. Read on the duty-cycle thread or after it.
     */
    public long processed()
    {
        return processed;
    }

    /**
     * @return messages whose processor threw.
     */
    public long failed()
    {
        return failed;
    }

    private int encodeReady()
    {
        controlBuffer.putByte(StreamFrames.TYPE_OFFSET, StreamFrames.READY);
        controlBuffer.putInt(StreamFrames.READY_WORKER_PORT_OFFSET, port, ByteOrder.LITTLE_ENDIAN);
        controlBuffer.putBytes(StreamFrames.READY_NAME_OFFSET, nameBytes);
        return StreamFrames.READY_NAME_OFFSET + nameBytes.length;
    }

    private void onFrame(final Message msg)
    {
        final DirectBuffer buffer = msg.buffer();
        final int offset = msg.offset();
        final int length = msg.length();
        if (!StreamFrames.isStreamFrame(buffer, offset, length))
        {
            return;
        }

        final byte type = buffer.getByte(offset);
        if (StreamFrames.DATA == type && length >= StreamFrames.DATA_HEADER_LENGTH &&
            port == buffer.getInt(offset + StreamFrames.DATA_WORKER_PORT_OFFSET, ByteOrder.LITTLE_ENDIAN))
        {
            onData(msg.senderId(), buffer, offset, length);
        }
        else if (StreamFrames.HELLO == type && msg.senderId() != node.id() &&
            StreamFrames.nameEquals(buffer, offset, length, StreamFrames.HELLO_NAME_OFFSET, nameBytes))
        {
            final int readyLength = encodeReady();
            send(msg.senderId(), controlBuffer, readyLength);
        }
    }

    private void onData(final long managerId, final DirectBuffer buffer, final int offset, final int length)
    {
        final int managerPort = buffer.getInt(offset + StreamFrames.DATA_MANAGER_PORT_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final long sequence = buffer.getLong(offset + StreamFrames.DATA_SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        results.reset();
        String error = null;
        try
        {
            processor.process(buffer, offset + StreamFrames.DATA_HEADER_LENGTH,
                length - StreamFrames.DATA_HEADER_LENGTH, results);
        }
        catch (final Exception ex)
        {
            error = ex.getClass().getName() + ": " + ex.getMessage();
        }
        processed++;

        if (null == error)
        {
            final int frameLength = results.encodeDone(managerPort, sequence);
            try
            {
                send(managerId, results.frame(), frameLength);
                return;
            }
            catch (final IllegalArgumentException ex)
            {
                error = "results too large: " + ex.getMessage();
            }
        }

        failed++;
        final ExpandableArrayBuffer frame = controlBuffer;
        frame.putByte(StreamFrames.TYPE_OFFSET, StreamFrames.FAILED);
        frame.putInt(StreamFrames.FAILED_MANAGER_PORT_OFFSET, managerPort, ByteOrder.LITTLE_ENDIAN);
        frame.putLong(StreamFrames.FAILED_SEQUENCE_OFFSET, sequence, ByteOrder.LITTLE_ENDIAN);
        final int errorLength = frame.putStringWithoutLengthUtf8(StreamFrames.FAILED_ERROR_OFFSET,
            error.length() > 1000 ? error.substring(0, 1000) : error);
        send(managerId, frame, StreamFrames.FAILED_ERROR_OFFSET + errorLength);
    }

    /**
     * Publish to the manager, waiting while its stream is back-pressured; a manager that has left gets nothing.
     */
    private void send(final long managerId, final DirectBuffer buffer, final int length)
    {
        Channel channel = channels.get(managerId);
        if (null == channel)
        {
            channel = Channel.worker(managerId);
            channels.put(managerId, channel);
        }

        while (true)
        {
            try
            {
                node.services().publish(channel, buffer, 0, length);
                return;
            }
            catch (final BackPressureException ex)
            {
                if (node.isClosed())
                {
                    return;
                }
                LockSupport.parkNanos(BACK_PRESSURE_PAUSE_NS);
            }
            catch (final ClustrException ex)
            {
                channels.remove(managerId);
                return; // the manager has left (or this node closed): nobody waits for these results
            }
        }
    }
}
