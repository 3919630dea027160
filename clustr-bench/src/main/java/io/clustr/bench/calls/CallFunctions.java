package io.clustr.bench.calls;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The functions of the bench's call and job workloads, by name.
 */
public final class CallFunctions
{
    /**
     * The md5 function of luafan's workload: the reply is the request followed by its 16 byte MD5 digest.
     */
    public static final String MD5 = "md5";

    /**
     * The empty function: an empty reply (messaging only).
     */
    public static final String EMPTY = "empty";

    /**
     * Length of an MD5 digest.
     */
    public static final int MD5_LENGTH = 16;

    private CallFunctions()
    {
    }

    /**
     * A new instance of a named function.
     *
     * @param name {@link #MD5} or {@link #EMPTY}.
     * @return the function.
     * @throws IllegalArgumentException for any other name.
     */
    public static CallFunction forName(final String name)
    {
        switch (name)
        {
            case MD5:
                return md5();

            case EMPTY:
                return (request, offset, length, reply) -> 0;

            default:
                throw new IllegalArgumentException(
                    "unknown function '" + name + "': use " + MD5 + " or " + EMPTY);
        }
    }

    /**
     * Length of the reply of a named function to a request of a given length.
     *
     * @param name          {@link #MD5} or {@link #EMPTY}.
     * @param requestLength of the request.
     * @return the reply's length.
     */
    public static int replyLength(final String name, final int requestLength)
    {
        return MD5.equals(name) ? requestLength + MD5_LENGTH : 0;
    }

    /**
     * The md5 function: the request, then its MD5 digest.
     *
     * @return a new instance (with its own {@link MessageDigest}).
     */
    public static CallFunction md5()
    {
        final MessageDigest digest = newMd5();
        final byte[] scratch = new byte[MD5_LENGTH];
        return (request, offset, length, reply) ->
        {
            final byte[] array = request.byteArray();
            if (null != array)
            {
                digest.update(array, request.wrapAdjustment() + offset, length);
            }
            else
            {
                final ByteBuffer view = request.byteBuffer().duplicate();
                final int start = request.wrapAdjustment() + offset;
                view.limit(start + length).position(start);
                digest.update(view);
            }

            reply.putBytes(0, request, offset, length);
            try
            {
                digest.digest(scratch, 0, MD5_LENGTH);
            }
            catch (final DigestException ex)
            {
                throw new IllegalStateException(ex);
            }

            reply.putBytes(length, scratch);
            return length + MD5_LENGTH;
        };
    }

    /**
     * Check an md5 reply: the request echoed and its digest (computed here).
     *
     * @param request the request sent.
     * @param length  its length.
     * @param reply   the reply received.
     * @param offset  of the reply.
     * @param replyLength of the reply.
     * @return null when right, otherwise what is wrong.
     */
    public static String checkMd5(
        final DirectBuffer request, final int length, final DirectBuffer reply, final int offset, final int replyLength)
    {
        if (replyLength != length + MD5_LENGTH)
        {
            return "md5 reply of " + replyLength + " B to a request of " + length + " B";
        }

        final UnsafeBuffer expected = new UnsafeBuffer(new byte[length + MD5_LENGTH]);
        md5().apply(request, 0, length, expected);
        for (int i = 0; i < replyLength; i++)
        {
            if (expected.getByte(i) != reply.getByte(offset + i))
            {
                return "md5 reply differs from the request and its digest at byte " + i;
            }
        }

        return null;
    }

    private static MessageDigest newMd5()
    {
        try
        {
            return MessageDigest.getInstance("MD5");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("this JDK has no MD5", ex);
        }
    }
}
