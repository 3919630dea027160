package io.clustr.bench.workload;

/**
 * The first byte of every bench message says what it is; the same convention is used over every transport (raw
 * Aeron, clustr, Redis, Node IPC) so that the receivers count the same way.
 * <p>
 * Throughput: {@link #WARMUP}* {@link #START} {@link #DATA}* {@link #END} per message size, then {@link #QUIT}.
 * Ping-pong: {@link #PING} messages carry a sequence number at {@link #SEQUENCE_OFFSET}; {@link #QUIT} ends.
 */
public final class Payload
{
    /**
     * Warm-up message: received, not counted.
     */
    public static final byte WARMUP = 'W';

    /**
     * Start of the measured window: the receiver resets its count and clock.
     */
    public static final byte START = 'S';

    /**
     * Measured message: counted.
     */
    public static final byte DATA = 'D';

    /**
     * End of the measured window: the receiver reports count and elapsed time for this message size.
     */
    public static final byte END = 'E';

    /**
     * End of the run: receivers exit.
     */
    public static final byte QUIT = 'Q';

    /**
     * A ping (echoed unchanged by the ponger).
     */
    public static final byte PING = 'P';

    /**
     * Where a ping carries its sequence number (little endian long).
     */
    public static final int SEQUENCE_OFFSET = 8;

    /**
     * Smallest message the bench sends: type byte, padding, sequence number.
     */
    public static final int MIN_LENGTH = SEQUENCE_OFFSET + 8;

    private Payload()
    {
    }
}
