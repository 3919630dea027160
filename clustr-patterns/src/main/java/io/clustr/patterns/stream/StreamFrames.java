package io.clustr.patterns.stream;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * The stream pattern's service-frame layout. Every frame starts with a one-byte frame type in
 * {@code 0x20..0x2F} (the stream pattern's range of the first byte of {@code io.clustr.patterns} service frames; other
 * patterns use other ranges and ignore these); integers are little-endian, unaligned.
 * <pre>
 * HELLO  manager -&gt; public:        type(1) name(UTF-8, rest)
 * READY  worker  -&gt; public/manager: type(1) workerPort(4) name(UTF-8, rest)
 * DATA   manager -&gt; worker:         type(1) workerPort(4) managerPort(4) sequence(8) message(rest)
 * DONE   worker  -&gt; manager:        type(1) managerPort(4) sequence(8) count(4) { length(4) result(length) }*count
 * FAILED worker  -&gt; manager:        type(1) managerPort(4) sequence(8) error(UTF-8, rest)
 * </pre>
 * A port tells apart the managers of one node and the served streams of one worker node.
 */
final class StreamFrames
{
    static final byte HELLO = 0x20;
    static final byte READY = 0x21;
    static final byte DATA = 0x22;
    static final byte DONE = 0x23;
    static final byte FAILED = 0x24;

    static final int TYPE_OFFSET = 0;

    static final int HELLO_NAME_OFFSET = 1;

    static final int READY_WORKER_PORT_OFFSET = 1;
    static final int READY_NAME_OFFSET = 5;

    static final int DATA_WORKER_PORT_OFFSET = 1;
    static final int DATA_MANAGER_PORT_OFFSET = 5;
    static final int DATA_SEQUENCE_OFFSET = 9;
    static final int DATA_HEADER_LENGTH = 17;

    static final int DONE_MANAGER_PORT_OFFSET = 1;
    static final int DONE_SEQUENCE_OFFSET = 5;
    static final int DONE_COUNT_OFFSET = 13;
    static final int DONE_HEADER_LENGTH = 17;

    static final int FAILED_MANAGER_PORT_OFFSET = 1;
    static final int FAILED_SEQUENCE_OFFSET = 5;
    static final int FAILED_ERROR_OFFSET = 13;

    private StreamFrames()
    {
    }

    static boolean isStreamFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < 1)
        {
            return false;
        }
        final byte type = buffer.getByte(offset);
        return type >= HELLO && type <= FAILED;
    }

    /**
     * @return true if the frame's name, from {@code nameOffset} to the end, is {@code name} (no allocation).
     */
    static boolean nameEquals(
        final DirectBuffer buffer, final int offset, final int length, final int nameOffset, final byte[] name)
    {
        final int nameLength = length - nameOffset;
        if (nameLength != name.length)
        {
            return false;
        }
        for (int i = 0; i < nameLength; i++)
        {
            if (buffer.getByte(offset + nameOffset + i) != name[i])
            {
                return false;
            }
        }

        return true;
    }

    static byte[] nameBytes(final String name)
    {
        if (null == name || name.isEmpty())
        {
            throw new IllegalArgumentException("stream name must not be null or empty: name the stream that the " +
                "manager and its workers share, e.g. \"lines\"");
        }
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 256)
        {
            throw new IllegalArgumentException("stream name '" + name + "' is " + bytes.length +
                " bytes long: the most is 256 (UTF-8)");
        }

        return bytes;
    }
}
