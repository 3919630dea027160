package io.clustr.patterns.net;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.Objects;

/**
 * Server sockets that several processes listen on at once, with {@code SO_REUSEPORT}: every worker opens its own
 * listening socket on the same address and port, and the Linux kernel spreads incoming connections among them (by a
 * hash of each connection's addresses and ports), so no process accepts for the others and no descriptor is passed
 * around. This is how Node's cluster workers share a port, without its primary process in the accept path.
 * <p>
 * Every socket on the port must be opened with {@code SO_REUSEPORT} and by the same user; a plain socket already on
 * the port makes the bind fail. A connection is handed to a socket when it arrives: closing a worker's socket resets
 * the connections waiting in its own accept queue, so a worker that stops should close its socket only after it has
 * stopped taking new requests. Connections that arrive before a worker listens go to the sockets already listening.
 */
public final class SharedPort
{
    /**
     * The accept queue length used when none is given.
     */
    public static final int DEFAULT_BACKLOG = 1024;

    private SharedPort()
    {
    }

    /**
     * Can this JVM and operating system share a port between processes? True on Linux (3.9 and later).
     *
     * @return true if {@code SO_REUSEPORT} is supported for server socket channels.
     */
    public static boolean isSupported()
    {
        try (ServerSocketChannel channel = ServerSocketChannel.open())
        {
            return channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * Open a blocking server socket channel bound to a shared address, with {@link #DEFAULT_BACKLOG}.
     *
     * @param address the address and port every worker listens on, e.g. {@code new InetSocketAddress(8000)} for every
     *                interface or {@code new InetSocketAddress("127.0.0.1", 8000)}; port 0 picks a free port that
     *                other workers can then share.
     * @return the bound channel (blocking; call {@code configureBlocking(false)} for a selector).
     * @throws IOException                   if the socket cannot be opened or bound (a {@link BindException} names
     *                                       the address and the usual cause).
     * @throws UnsupportedOperationException if this platform has no {@code SO_REUSEPORT}.
     * @see #open(InetSocketAddress, int)
     */
    public static ServerSocketChannel open(final InetSocketAddress address) throws IOException
    {
        return open(address, DEFAULT_BACKLOG);
    }

    /**
     * Open a blocking server socket channel bound to a shared address: {@code SO_REUSEPORT} and {@code SO_REUSEADDR}
     * are set before the bind.
     *
     * @param address the address and port every worker listens on.
     * @param backlog the length of this socket's accept queue (the kernel caps it at {@code net.core.somaxconn}).
     * @return the bound channel, blocking.
     * @throws IOException                   if the socket cannot be opened or bound.
     * @throws UnsupportedOperationException if this platform has no {@code SO_REUSEPORT}.
     * @throws IllegalArgumentException      if the address is unresolved or the backlog is below 1.
     */
    public static ServerSocketChannel open(final InetSocketAddress address, final int backlog) throws IOException
    {
        Objects.requireNonNull(address, "address must not be null: e.g. new InetSocketAddress(\"127.0.0.1\", 8000)");
        if (address.isUnresolved())
        {
            throw new IllegalArgumentException("address " + address + " is unresolved: give an IP address or a " +
                "host name that resolves");
        }
        if (backlog < 1)
        {
            throw new IllegalArgumentException("backlog " + backlog + " must be at least 1 (default " +
                DEFAULT_BACKLOG + ")");
        }

        final ServerSocketChannel channel = ServerSocketChannel.open();
        try
        {
            if (!channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT))
            {
                throw new UnsupportedOperationException("SO_REUSEPORT is not supported on " +
                    System.getProperty("os.name") + ": workers cannot share port " + address.getPort() + " (give " +
                    "each worker a port of its own instead)");
            }
            channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            try
            {
                channel.bind(address, backlog);
            }
            catch (final BindException ex)
            {
                final BindException named = new BindException("cannot bind " + address + " with SO_REUSEPORT: " +
                    ex.getMessage() + " (is a socket without SO_REUSEPORT, or of another user, on that port? " +
                    "every process sharing it must open it with SharedPort)");
                named.initCause(ex);
                throw named;
            }

            return channel;
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            throw ex;
        }
    }
}
