package io.clustr.patterns.call;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The call protocol's service frames. Every frame starts with one byte, its type, in {@code 0xC1..0xCF} (other
 * layers' service frames use other first bytes and are ignored here); integers are little-endian.
 * <pre>
 *   QUERY    0xC1                                         public: every server answers the sender with ANNOUNCE
 *   ANNOUNCE 0xC2 limit:int32 count:int32 (len:int16 utf8)*  public when a server starts, private to a QUERY
 *   WITHDRAW 0xC3                                         public: the sender stopped serving
 *   REQUEST  0xC4 correlation:int64 function:int32 payload  private to the server; function = index in ANNOUNCE
 *   REPLY    0xC5 correlation:int64 status:int8 payload      private to the caller; status OK or an error below
 *   WAKE     0xC6                                         private to itself: start queued duty-cycle functions
 * </pre>
 * An error reply's payload is {@code len:int16 utf8(exception class) utf8(message)}.
 */
final class CallFrames
{
    static final byte QUERY = (byte)0xC1;
    static final byte ANNOUNCE = (byte)0xC2;
    static final byte WITHDRAW = (byte)0xC3;
    static final byte REQUEST = (byte)0xC4;
    static final byte REPLY = (byte)0xC5;
    static final byte WAKE = (byte)0xC6;

    static final byte STATUS_OK = 0;
    static final byte STATUS_ERROR = 1;
    static final byte STATUS_REJECTED = 2;

    static final int REQUEST_HEADER_LENGTH = 1 + 8 + 4;
    static final int REPLY_HEADER_LENGTH = 1 + 8 + 1;
    static final int CORRELATION_OFFSET = 1;
    static final int FUNCTION_OFFSET = 9;
    static final int STATUS_OFFSET = 9;

    private CallFrames()
    {
    }

    static int encodeAnnounce(final MutableDirectBuffer buffer, final int limit, final List<String> functions)
    {
        buffer.putByte(0, ANNOUNCE);
        buffer.putInt(1, limit);
        buffer.putInt(5, functions.size());
        int offset = 9;
        for (final String function : functions)
        {
            final byte[] bytes = function.getBytes(StandardCharsets.UTF_8);
            buffer.putShort(offset, (short)bytes.length);
            buffer.putBytes(offset + 2, bytes);
            offset += 2 + bytes.length;
        }

        return offset;
    }

    static int announcedLimit(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + 1);
    }

    static List<String> announcedFunctions(final DirectBuffer buffer, final int offset, final int length)
    {
        final int count = buffer.getInt(offset + 5);
        final List<String> functions = new ArrayList<>(count);
        int at = offset + 9;
        for (int i = 0; i < count && at + 2 <= offset + length; i++)
        {
            final int len = buffer.getShort(at) & 0xFFFF;
            functions.add(buffer.getStringWithoutLengthUtf8(at + 2, len));
            at += 2 + len;
        }

        return functions;
    }

    static void encodeRequestHeader(
        final MutableDirectBuffer buffer, final int offset, final long correlationId, final int functionIndex)
    {
        buffer.putByte(offset, REQUEST);
        buffer.putLong(offset + CORRELATION_OFFSET, correlationId);
        buffer.putInt(offset + FUNCTION_OFFSET, functionIndex);
    }

    static void encodeReplyHeader(
        final MutableDirectBuffer buffer, final int offset, final long correlationId, final byte status)
    {
        buffer.putByte(offset, REPLY);
        buffer.putLong(offset + CORRELATION_OFFSET, correlationId);
        buffer.putByte(offset + STATUS_OFFSET, status);
    }

    static int encodeError(final MutableDirectBuffer buffer, final int offset, final String type, final String message)
    {
        final byte[] typeBytes = type.getBytes(StandardCharsets.UTF_8);
        final byte[] messageBytes = (null == message ? "" : message).getBytes(StandardCharsets.UTF_8);
        buffer.putShort(offset, (short)typeBytes.length);
        buffer.putBytes(offset + 2, typeBytes);
        buffer.putBytes(offset + 2 + typeBytes.length, messageBytes);
        return 2 + typeBytes.length + messageBytes.length;
    }

    static String errorType(final DirectBuffer buffer, final int offset)
    {
        return buffer.getStringWithoutLengthUtf8(offset + 2, buffer.getShort(offset) & 0xFFFF);
    }

    static String errorMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        final int typeLength = buffer.getShort(offset) & 0xFFFF;
        return buffer.getStringWithoutLengthUtf8(offset + 2 + typeLength, length - 2 - typeLength);
    }
}
