package io.clustr;

import org.agrona.DirectBuffer;

/**
 * A message delivered to a handler: who sent it and its payload.
 * <p>
 * A {@code Message} is a view over the stream's buffer and is reused for the next message: it, and the buffer
 * returned by {@link #buffer()}, are valid only inside the handler call. Copy what you keep ({@link #text()},
 * {@link #bytes()} or {@code buffer().getBytes(...)}).
 */
public final class Message
{
    private final Channel.Kind kind;
    private final GroupRegistry groups;
    private long reservedValue;
    private DirectBuffer buffer;
    private int payloadOffset;
    private int payloadLength;

    Message(final Channel.Kind kind, final GroupRegistry groups)
    {
        this.kind = kind;
        this.groups = groups;
    }

    void wrap(final long reservedValue, final DirectBuffer buffer, final int payloadOffset, final int payloadLength)
    {
        this.reservedValue = reservedValue;
        this.buffer = buffer;
        this.payloadOffset = payloadOffset;
        this.payloadLength = payloadLength;
    }

    /**
     * @return id of the node that published the message; {@code 0} is the master.
     */
    public long senderId()
    {
        return FrameFormat.senderId(reservedValue);
    }

    /**
     * @return group of the node that published the message; empty for the master. No allocation: the name is
     * looked up by the group id the frame carries.
     */
    public String senderGroup()
    {
        final int groupId = FrameFormat.senderGroupId(reservedValue);
        final String name = groups.nameOf(groupId);
        return null == name ? "group#" + groupId : name;
    }

    /**
     * @return the stream the message arrived on: public, group or private.
     */
    public Channel.Kind kind()
    {
        return kind;
    }

    /**
     * @return the payload decoded as UTF-8 text. Allocates a String.
     */
    public String text()
    {
        return 0 == payloadLength ? "" : buffer.getStringWithoutLengthUtf8(payloadOffset, payloadLength);
    }

    /**
     * @return a copy of the payload.
     */
    public byte[] bytes()
    {
        final byte[] bytes = new byte[payloadLength];
        buffer.getBytes(payloadOffset, bytes);
        return bytes;
    }

    /**
     * @return the buffer holding the payload, valid only inside the handler call: zero copy.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return offset of the payload in {@link #buffer()}.
     */
    public int offset()
    {
        return payloadOffset;
    }

    /**
     * @return length of the payload in bytes.
     */
    public int length()
    {
        return payloadLength;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "Message{kind=" + kind + ", senderId=" + senderId() + ", senderGroup=" + senderGroup() +
            ", length=" + payloadLength + "}";
    }
}
