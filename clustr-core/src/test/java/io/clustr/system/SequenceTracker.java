package io.clustr.system;

import org.agrona.DirectBuffer;

/**
 * What one receiver saw of one stream, per sender: each sender publishes sequence numbers 0 to {@code messages - 1}
 * and then an end sentinel ({@link #END}). A message is 16 bytes: the sender's id (which must equal the frame's
 * sender id) and the sequence number. Per sender the tracker keeps the next expected sequence and a bit set of the
 * sequences seen, so that:
 * <ul>
 *     <li>a sequence seen before is a <b>duplicate</b>;</li>
 *     <li>a sequence not seen before but below the next expected one (it arrived after a later one) is <b>out of
 *     order</b>;</li>
 *     <li>a sequence never seen by the sentinel is <b>lost</b> ({@code messages} minus the distinct ones seen).</li>
 * </ul>
 * The work per message is a slot lookup among at most {@link #MAX_SENDERS}, two reads and a bit set, on the
 * receiver's duty-cycle thread. Not thread safe: one tracker per stream, used by its handler only.
 */
final class SequenceTracker
{
    static final int MESSAGE_LENGTH = 16;
    static final long END = -1;
    static final int MAX_SENDERS = 8;

    private final String kind;
    private final int senders;
    private final long messages;
    private final long[] senderIds = new long[MAX_SENDERS];
    private final long[][] seen = new long[MAX_SENDERS][];
    private final long[] next = new long[MAX_SENDERS];
    private final long[] received = new long[MAX_SENDERS];
    private final long[] duplicates = new long[MAX_SENDERS];
    private final long[] outOfOrder = new long[MAX_SENDERS];
    private final long[] invalid = new long[MAX_SENDERS];
    private final boolean[] ended = new boolean[MAX_SENDERS];
    private int slots;
    private int endedCount;
    private long unknownSenders;
    private long frames;
    private long firstNs;
    private long lastNs;
    private String cutLoose;

    /**
     * @param kind     the stream, for the report: {@code public}, {@code group} or {@code private}.
     * @param senders  how many senders' sentinels complete the stream.
     * @param messages how many messages each sender publishes before its sentinel.
     */
    SequenceTracker(final String kind, final int senders, final long messages)
    {
        this.kind = kind;
        this.senders = senders;
        this.messages = messages;
    }

    /**
     * Count one message.
     *
     * @return true when this message was the last sender's sentinel: the stream is complete, report it.
     */
    boolean onMessage(final long senderId, final DirectBuffer buffer, final int offset, final int length)
    {
        frames++;
        if (0 == firstNs)
        {
            firstNs = System.nanoTime();
        }

        final int slot = slot(senderId);
        if (slot < 0)
        {
            unknownSenders++;
            return false;
        }

        if (MESSAGE_LENGTH != length || buffer.getLong(offset) != senderId)
        {
            invalid[slot]++;
            return false;
        }

        final long seq = buffer.getLong(offset + 8);
        if (END == seq)
        {
            if (!ended[slot])
            {
                ended[slot] = true;
                endedCount++;
            }
            if (endedCount == senders)
            {
                lastNs = System.nanoTime();
                return true;
            }
            return false;
        }

        if (seq < 0 || seq >= messages)
        {
            invalid[slot]++;
            return false;
        }

        received[slot]++;
        final long[] bits = seen[slot];
        final int word = (int)(seq >>> 6);
        final long bit = 1L << seq;
        if (0 != (bits[word] & bit))
        {
            duplicates[slot]++;
        }
        else
        {
            bits[word] |= bit;
            if (seq < next[slot])
            {
                outOfOrder[slot]++;
            }
            else
            {
                next[slot] = seq + 1;
            }
        }

        return false;
    }

    /**
     * Record that this receiver was cut loose from the stream (it fell too far behind and the stream went on without
     * it): the report then says so, and the test fails with that rather than with the losses it causes.
     *
     * @param detail what the node said about it.
     */
    void onCutLoose(final String detail)
    {
        cutLoose = null == cutLoose ? detail : cutLoose + "; " + detail;
    }

    /**
     * @return every message counted since the last reset, sentinels, invalid ones and unknown senders' included.
     */
    long frames()
    {
        return frames;
    }

    /**
     * @return whether {@link #onCutLoose} was called.
     */
    boolean isCutLoose()
    {
        return null != cutLoose;
    }

    /**
     * The report for the master:
     * {@code lossorder|kind|receiverId|elapsedMs|unknownSenders|cutLoose|sender:received:lost:dup:ooo:invalid,...}
     * where cutLoose is {@code -} when it was not.
     */
    String report(final long receiverId)
    {
        final StringBuilder sb = new StringBuilder(128)
            .append("lossorder|").append(kind).append('|').append(receiverId).append('|')
            .append((lastNs - firstNs) / 1_000_000).append('|').append(unknownSenders).append('|')
            .append(null == cutLoose ? "-" : cutLoose.replace('|', '/')).append('|');
        for (int i = 0; i < slots; i++)
        {
            long distinct = 0;
            for (final long word : seen[i])
            {
                distinct += Long.bitCount(word);
            }
            if (i > 0)
            {
                sb.append(',');
            }
            sb.append(senderIds[i]).append(':').append(received[i]).append(':').append(messages - distinct)
                .append(':').append(duplicates[i]).append(':').append(outOfOrder[i]).append(':').append(invalid[i]);
        }

        return sb.toString();
    }

    /**
     * Forget everything, for another round on the same stream.
     */
    void reset()
    {
        for (int i = 0; i < slots; i++)
        {
            seen[i] = null;
            next[i] = 0;
            received[i] = 0;
            duplicates[i] = 0;
            outOfOrder[i] = 0;
            invalid[i] = 0;
            ended[i] = false;
        }
        slots = 0;
        endedCount = 0;
        unknownSenders = 0;
        frames = 0;
        firstNs = 0;
        lastNs = 0;
        cutLoose = null;
    }

    private int slot(final long senderId)
    {
        for (int i = 0; i < slots; i++)
        {
            if (senderIds[i] == senderId)
            {
                return i;
            }
        }
        if (slots == MAX_SENDERS)
        {
            return -1;
        }

        final int slot = slots++;
        senderIds[slot] = senderId;
        seen[slot] = new long[(int)((messages + 63) >>> 6)];

        return slot;
    }
}
