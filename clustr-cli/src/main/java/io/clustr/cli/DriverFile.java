package io.clustr.cli;

import io.aeron.CncFileDescriptor;
import org.agrona.IoUtil;
import org.agrona.SemanticVersion;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A media driver's {@code cnc.dat}, mapped read-only for as long as a command runs, as Aeron's {@code AeronStat}
 * reads it: its counters, the driver's pid and whether the driver is alive. Reading registers nothing with the
 * driver, so the reader is no client and no node.
 */
final class DriverFile implements AutoCloseable
{
    /**
     * A driver whose conductor has not stamped its heartbeat for this long is taken for dead (Aeron's default driver
     * timeout).
     */
    static final long DRIVER_TIMEOUT_MS = 10_000;

    private final Path directory;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer metaData;
    private final CountersReader counters;
    private final ManyToOneRingBuffer toDriver;

    private DriverFile(final Path directory, final MappedByteBuffer mapped)
    {
        this.directory = directory;
        this.mapped = mapped;
        try
        {
            metaData = CncFileDescriptor.createMetaDataBuffer(mapped);
            final int version = metaData.getIntVolatile(CncFileDescriptor.cncVersionOffset(0));
            if (0 == version)
            {
                throw new IllegalStateException("the driver is still starting");
            }
            if (SemanticVersion.major(version) != SemanticVersion.major(CncFileDescriptor.CNC_VERSION))
            {
                throw new IllegalStateException("cnc.dat version " + SemanticVersion.toString(version) +
                    " is not this Aeron's " + SemanticVersion.toString(CncFileDescriptor.CNC_VERSION));
            }
            if (!CncFileDescriptor.isCncFileLengthSufficient(metaData, mapped.capacity()))
            {
                throw new IllegalStateException("cnc.dat is shorter than its header says (still being written?)");
            }
            counters = new CountersReader(
                CncFileDescriptor.createCountersMetaDataBuffer(mapped, metaData),
                CncFileDescriptor.createCountersValuesBuffer(mapped, metaData),
                StandardCharsets.US_ASCII);
            toDriver = new ManyToOneRingBuffer(CncFileDescriptor.createToDriverBuffer(mapped, metaData));
        }
        catch (final RuntimeException ex)
        {
            IoUtil.unmap(mapped);
            throw ex;
        }
    }

    /**
     * Map a driver directory's {@code cnc.dat}.
     *
     * @param directory the driver directory.
     * @return the mapped file, to close.
     * @throws IllegalStateException naming what is wrong if it cannot be read.
     */
    static DriverFile open(final Path directory)
    {
        final File cnc = directory.resolve(CncFileDescriptor.CNC_FILE).toFile();
        if (!cnc.isFile())
        {
            throw new IllegalStateException(directory + " is not a media driver directory: it has no " +
                CncFileDescriptor.CNC_FILE + " (clustr ls lists the clusters of this host)");
        }

        final MappedByteBuffer mapped;
        try
        {
            mapped = IoUtil.mapExistingFile(cnc, FileChannel.MapMode.READ_ONLY, "cnc");
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalStateException("cannot read " + cnc + ": " + ex.getMessage(), ex);
        }
        if (mapped.capacity() < CncFileDescriptor.META_DATA_LENGTH)
        {
            IoUtil.unmap(mapped);
            throw new IllegalStateException(cnc + " is too short to be a driver's cnc.dat (still being written?)");
        }

        return new DriverFile(directory, mapped);
    }

    Path directory()
    {
        return directory;
    }

    CountersReader counters()
    {
        return counters;
    }

    long driverPid()
    {
        return CncFileDescriptor.pid(metaData);
    }

    long startTimestampMs()
    {
        return CncFileDescriptor.startTimestampMs(metaData);
    }

    /**
     * @return true if the driver's conductor stamped its heartbeat within {@link #DRIVER_TIMEOUT_MS} and its process
     * exists.
     */
    boolean isDriverAlive()
    {
        final long heartbeatMs = toDriver.consumerHeartbeatTime();
        final boolean processExists = ProcessHandle.of(driverPid()).map(ProcessHandle::isAlive).orElse(false);
        return processExists && System.currentTimeMillis() - heartbeatMs <= DRIVER_TIMEOUT_MS;
    }

    @Override
    public void close()
    {
        IoUtil.unmap(mapped);
    }
}
