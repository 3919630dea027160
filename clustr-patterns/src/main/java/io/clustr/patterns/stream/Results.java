package io.clustr.patterns.stream;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.nio.ByteOrder;

/**
 * The results of the message a {@link StreamProcessor} is processing: each {@code emit} adds one, copied. They reach
 * the manager together when the processor returns (at most about term length / 8 in all, 512 KiB by default; more
 * fails the message).
 */
public final class Results
{
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
    private int length;
    private int count;

    Results()
    {
    }

    /**
     * Emit a result.
     *
     * @param source holding it.
     * @param offset of the result.
     * @param length of the result.
     * @return this.
     */
    public Results emit(final DirectBuffer source, final int offset, final int length)
    {
        final int at = StreamFrames.DONE_HEADER_LENGTH + this.length;
        buffer.putInt(at, length, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(at + 4, source, offset, length);
        this.length += 4 + length;
        count++;
        return this;
    }

    /**
     * Emit a result.
     *
     * @param bytes of the result.
     * @return this.
     */
    public Results emit(final byte[] bytes)
    {
        final int at = StreamFrames.DONE_HEADER_LENGTH + this.length;
        buffer.putInt(at, bytes.length, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(at + 4, bytes);
        this.length += 4 + bytes.length;
        count++;
        return this;
    }

    /**
     * Emit a result: the UTF-8 of the text.
     *
     * @param text of the result.
     * @return this.
     */
    public Results emit(final CharSequence text)
    {
        final int at = StreamFrames.DONE_HEADER_LENGTH + this.length;
        final int written = buffer.putStringWithoutLengthUtf8(at + 4, text.toString());
        buffer.putInt(at, written, ByteOrder.LITTLE_ENDIAN);
        this.length += 4 + written;
        count++;
        return this;
    }

    /**
     * @return results emitted so far for this message.
     */
    public int count()
    {
        return count;
    }

    void reset()
    {
        length = 0;
        count = 0;
    }

    /**
     * Fill in the DONE header and return the frame's length; the frame is {@link #frame()} from 0.
     */
    int encodeDone(final int managerPort, final long sequence)
    {
        buffer.putByte(StreamFrames.TYPE_OFFSET, StreamFrames.DONE);
        buffer.putInt(StreamFrames.DONE_MANAGER_PORT_OFFSET, managerPort, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(StreamFrames.DONE_SEQUENCE_OFFSET, sequence, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(StreamFrames.DONE_COUNT_OFFSET, count, ByteOrder.LITTLE_ENDIAN);
        return StreamFrames.DONE_HEADER_LENGTH + length;
    }

    ExpandableArrayBuffer frame()
    {
        return buffer;
    }
}
