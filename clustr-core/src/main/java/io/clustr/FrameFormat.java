package io.clustr;

/**
 * The format of a data frame on the public, group and private streams: Aeron's own data frame, whose 64-bit
 * reserved value says who sent it, and the payload right after Aeron's 32-byte header. No clustr bytes precede the
 * payload, so a 32-byte message is a 64-byte frame, as with raw Aeron, and a user can encode straight into the log.
 * <pre>
 *   bit  0       16   20               34                                64
 *        | magic | ver | sender group id |           sender id             |
 *          16 b    4 b      14 b                      30 b
 * </pre>
 * The magic and format version reject frames that are not clustr's (counted as malformed and skipped). The sender
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
     * Marks a clustr data frame.
     */
    static final int MAGIC = 0xC175;

    /**
     * Version of the data frame format.
     */
    static final int VERSION = 1;

    private static final int VERSION_SHIFT = 16;
    private static final int GROUP_ID_SHIFT = 20;
    private static final int SENDER_ID_SHIFT = GROUP_ID_SHIFT + GROUP_ID_BITS;
    private static final long GROUP_ID_MASK = (1L << GROUP_ID_BITS) - 1;
    private static final long FORMAT_MASK = (1L << GROUP_ID_SHIFT) - 1;
    private static final long FORMAT = MAGIC | ((long)VERSION << VERSION_SHIFT);

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
     * @return the reserved value of every data frame the node sends.
     */
    static long reservedValue(final long senderId, final int senderGroupId)
    {
        return FORMAT | ((long)senderGroupId << GROUP_ID_SHIFT) | (senderId << SENDER_ID_SHIFT);
    }

    /**
     * @param reservedValue of a frame.
     * @return true if it is a clustr data frame of this format version.
     */
    static boolean isValid(final long reservedValue)
    {
        return (reservedValue & FORMAT_MASK) == FORMAT;
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
