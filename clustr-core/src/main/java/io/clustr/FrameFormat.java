package io.clustr;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * The format of a data frame on the public, group and private streams: Aeron's own data frame, whose 64-bit
 * reserved value says who sent it, and the payload right after Aeron's 32-byte header. No clustr bytes precede the
 * payload, so a 32-byte message is a 64-byte frame, as with raw Aeron, and a user can encode straight into the log.
 * <pre>
 *   bit  0      4       16   20               34                                64
 *        | type | magic | ver | sender group id |           sender id             |
 *          4 b    12 b    4 b      14 b                      30 b
 * </pre>
 * The magic ({@code 0xC17}) and format version reject frames that are not clustr's (counted as malformed and
 * skipped). The type says what the payload is: {@link #MESSAGE} a user's message, the payload and nothing else (its
 * low 16 bits read {@code 0xC175}); {@link #ACKED} a user's message sent with {@code Node.send}, whose payload starts
 * with an 8-byte correlation id the receiver acknowledges; {@link #ACK} that acknowledgement (8 bytes: the id);
 * {@link #SERVICE} a frame of a layer built on clustr ({@code io.clustr.patterns}), given to service handlers only.
 * Any other type is malformed. The sender
 * group id is the master's id for the sender's group ({@link GroupRegistry}, 0 for the master); the sender id is the
 * node's id, at most {@link Configuration#MAX_WORKER_ID}. The stream a frame arrives on says whether it was public,
 * for a group (the group's stream id is the master's id for it) or private. Control and confirmation frames are SBE
 * messages, see {@code clustr-codecs.xml}.
 */
final class FrameFormat
{
    /**
     * Bits of the sender-group field.
     */
    static final int GROUP_ID_BITS = 14;

    /**
     * Marks a clustr data frame (bits 4 to 15).
     */
    static final int MAGIC = 0xC17;

    /**
     * Type of a user's message: the payload and nothing else.
     */
    static final int MESSAGE = 0x5;

    /**
     * Type of a user's message to be acknowledged: an 8-byte correlation id, then the payload.
     */
    static final int ACKED = 0x6;

    /**
     * Type of an acknowledgement: the 8-byte correlation id of the {@link #ACKED} message it acknowledges.
     */
    static final int ACK = 0x7;

    /**
     * Type of a service frame, for layers built on clustr: handed to service handlers, never to message handlers.
     */
    static final int SERVICE = 0x8;

    /**
     * Returned by {@link #type(long)} for a frame that is not clustr's.
     */
    static final int NOT_CLUSTR = -1;

    /**
     * Length of the correlation id that starts {@link #ACKED} and {@link #ACK} payloads.
     */
    static final int CORRELATION_ID_LENGTH = Long.BYTES;

    /**
     * Version of the data frame format.
     */
    static final int VERSION = 1;

    private static final int VERSION_SHIFT = 16;
    private static final int GROUP_ID_SHIFT = 20;
    private static final int SENDER_ID_SHIFT = GROUP_ID_SHIFT + GROUP_ID_BITS;
    private static final long GROUP_ID_MASK = (1L << GROUP_ID_BITS) - 1;
    private static final long TYPE_MASK = 0xF;
    private static final long FORMAT_MASK = (1L << GROUP_ID_SHIFT) - 1;
    private static final long CHECK_MASK = FORMAT_MASK & ~TYPE_MASK;
    private static final long CHECK = ((long)MAGIC << 4) | ((long)VERSION << VERSION_SHIFT);
    private static final long FORMAT = CHECK | MESSAGE;

    static
    {
        if (Configuration.MAX_WORKER_ID >= 1L << (Long.SIZE - SENDER_ID_SHIFT))
        {
            throw new IllegalStateException("worker ids do not fit the reserved value");
        }
    }

    private FrameFormat()
    {
    }

    /**
     * @param senderId      id of the sending node.
     * @param senderGroupId id of its group, {@link GroupRegistry#NO_GROUP_ID} for the master.
     * @return the reserved value of the node's message frames ({@link #MESSAGE}).
     */
    static long reservedValue(final long senderId, final int senderGroupId)
    {
        return FORMAT | ((long)senderGroupId << GROUP_ID_SHIFT) | (senderId << SENDER_ID_SHIFT);
    }

    /**
     * @param reservedValue of a frame.
     * @return true if it is a clustr message frame ({@link #MESSAGE}) of this format version: the common case, one
     * comparison.
     */
    static boolean isMessage(final long reservedValue)
    {
        return (reservedValue & FORMAT_MASK) == FORMAT;
    }

    /**
     * @param reservedValue of a frame.
     * @return true if it is a clustr data frame of this format version and of a known type.
     */
    static boolean isValid(final long reservedValue)
    {
        return NOT_CLUSTR != type(reservedValue);
    }

    /**
     * @param reservedValue of a frame.
     * @return its type ({@link #MESSAGE}, {@link #ACKED}, {@link #ACK} or {@link #SERVICE}), or {@link #NOT_CLUSTR}
     * if the magic, the version or the type is not clustr's.
     */
    static int type(final long reservedValue)
    {
        if ((reservedValue & CHECK_MASK) != CHECK)
        {
            return NOT_CLUSTR;
        }
        final int type = (int)(reservedValue & TYPE_MASK);

        return type >= MESSAGE && type <= SERVICE ? type : NOT_CLUSTR;
    }

    /**
     * @param reservedValue of a message frame, from {@link #reservedValue(long, int)}.
     * @param type          the frame's type.
     * @return the same reserved value with the given type.
     */
    static long withType(final long reservedValue, final int type)
    {
        return (reservedValue & ~TYPE_MASK) | type;
    }

    /**
     * @param buffer of an {@link #ACKED} or {@link #ACK} payload.
     * @param offset of the payload.
     * @return the correlation id at its start (little-endian).
     */
    static long correlationId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN);
    }

    static long senderId(final long reservedValue)
    {
        return reservedValue >>> SENDER_ID_SHIFT;
    }

    static int senderGroupId(final long reservedValue)
    {
        return (int)((reservedValue >>> GROUP_ID_SHIFT) & GROUP_ID_MASK);
    }
}
