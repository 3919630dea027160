package io.clustr.spawn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A log file of one stream of a child, written by its {@link OutputPump}'s thread, capped in size and rotated:
 * before a line would take the file past {@code maxBytes}, {@code file} becomes {@code file.1}, {@code file.1}
 * becomes {@code file.2}, up to {@code keep}, the oldest deleted. Lines are buffered and written when the pump's read
 * returns or the buffer is full. A failed write (a full disk) drops the lines it held, counts them and warns once;
 * the next lines are tried again.
 */
final class RotatingFile implements LineSink
{
    private static final System.Logger LOGGER = System.getLogger(Supervisor.class.getName());
    private static final int BUFFER_BYTES = 64 * 1024;

    private final Path file;
    private final String label;
    private final long maxBytes;
    private final int keep;
    private final LineClock clock;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private FileChannel channel;
    private long size;
    private int bufferedLines;
    private long droppedLines;
    private boolean warned;

    /**
     * Create (or truncate) the file.
     *
     * @param file       the file.
     * @param label      names the child in the warning: {@code "name#id pid stderr"}.
     * @param maxBytes   the size cap.
     * @param keep       how many rotated files to keep.
     * @param timestamps start each line with its ISO date and time?
     */
    RotatingFile(final Path file, final String label, final long maxBytes, final int keep, final boolean timestamps)
    {
        this.file = file;
        this.label = label;
        this.maxBytes = maxBytes;
        this.keep = keep;
        this.clock = timestamps ? LineClock.dateTime() : null;
        try
        {
            open(true);
        }
        catch (final IOException ex)
        {
            failed(0, ex);
        }
    }

    @Override
    public void line(final byte[] line, final int length)
    {
        final byte[] stamp = null == clock ? null : clock.now().getBytes(StandardCharsets.US_ASCII);
        final int lineBytes = (null == stamp ? 0 : stamp.length) + length + 1;
        if (size > 0 && size + lineBytes > maxBytes)
        {
            flush();
            rotate();
        }

        if (buffer.remaining() < lineBytes)
        {
            flush();
        }

        if (buffer.remaining() < lineBytes)
        {
            // a line longer than the buffer: write it on its own
            final ByteBuffer single = ByteBuffer.allocate(lineBytes);
            put(single, stamp, line, length);
            write(single.flip(), 1);
            return;
        }

        put(buffer, stamp, line, length);
        bufferedLines++;
        size += lineBytes;
    }

    @Override
    public void flush()
    {
        if (buffer.position() > 0)
        {
            buffer.flip();
            final int lines = bufferedLines;
            final long bytes = buffer.remaining();
            bufferedLines = 0;
            size -= bytes;
            write(buffer, lines);
            buffer.clear();
        }
    }

    @Override
    public void close()
    {
        flush();
        closeChannel();
        if (droppedLines > 0)
        {
            LOGGER.log(System.Logger.Level.WARNING, "clustr: " + droppedLines + " lines of " + label +
                " could not be written to " + file + " and were dropped");
        }
    }

    /**
     * @return how many lines could not be written.
     */
    long droppedLines()
    {
        return droppedLines;
    }

    private static void put(final ByteBuffer to, final byte[] stamp, final byte[] line, final int length)
    {
        if (null != stamp)
        {
            to.put(stamp);
        }
        to.put(line, 0, length).put((byte)'\n');
    }

    private void write(final ByteBuffer bytes, final int lines)
    {
        final int length = bytes.remaining();
        try
        {
            if (null == channel)
            {
                open(false);
            }

            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
            size += length;
        }
        catch (final IOException ex)
        {
            failed(lines, ex);
            closeChannel();
        }
    }

    private void rotate()
    {
        closeChannel();
        try
        {
            if (0 == keep)
            {
                Files.deleteIfExists(file);
            }
            else
            {
                Files.deleteIfExists(rotated(keep));
                for (int i = keep - 1; i >= 1; i--)
                {
                    moveIfExists(rotated(i), rotated(i + 1));
                }
                moveIfExists(file, rotated(1));
            }
            open(true);
        }
        catch (final IOException ex)
        {
            failed(0, ex);
        }
    }

    private Path rotated(final int n)
    {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private static void moveIfExists(final Path from, final Path to) throws IOException
    {
        try
        {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final NoSuchFileException ignore)
        {
            // not rotated that far yet
        }
    }

    private void open(final boolean truncate) throws IOException
    {
        channel = truncate ?
            FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING) :
            FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = truncate ? 0 : channel.size();
    }

    private void closeChannel()
    {
        if (null != channel)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // nothing more to write to it
            }
            channel = null;
        }
    }

    private void failed(final int lines, final IOException ex)
    {
        droppedLines += lines;
        if (!warned)
        {
            warned = true;
            LOGGER.log(System.Logger.Level.WARNING, "clustr: cannot write the output of " + label + " to " + file +
                " (" + ex + "): its lines are dropped and counted until writing works again; the child goes on");
        }
    }
}
