package io.clustr.patterns.net;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Server sockets that several processes listen on at once, with {@code SO_REUSEPORT}: every worker opens its own
 * listening socket on the same address and port, and the Linux kernel spreads incoming connections among them (by a
 * hash of each connection's addresses and ports), so no process accepts for the others and no descriptor is passed
 * around. This is how Node's cluster workers share a port, without its primary process in the accept path.
 * <p>
 * Every socket on the port must be opened with {@code SO_REUSEPORT} and by the same user; a plain socket already on
 * the port makes the bind fail. Connections that arrive before a worker listens go to the sockets already listening.
 * <p>
 * A connection is handed to one socket when it arrives, and waits in that socket's accept queue. Closing the socket
 * resets the connections still waiting there (and drops the handshakes still under way), unless the kernel migrates
 * them to another socket of the port: Linux does that from 5.14 when {@code net.ipv4.tcp_migrate_req} is 1 (a
 * setting of each network namespace, 0 unless set; {@link #isMigratingQueuedConnections()}). So a worker that stops
 * without failing a connection first accepts everything queued, closes its socket, and serves what it accepted
 * ({@link SimpleHttpServer#closeGracefully(java.time.Duration)}); only the connections that arrive between that last
 * accept and the close are lost without the migration: a handful in a reload under load, never with it.
 */
public final class SharedPort
{
    /**
     * The accept queue length used when none is given.
     */
    public static final int DEFAULT_BACKLOG = 1024;

    private static final Path MIGRATE_REQ_SETTING = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");

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
     * Does the kernel move the connections queued on a closing socket to another socket of its port? True when
     * {@code /proc/sys/net/ipv4/tcp_migrate_req} reads 1 in this process's network namespace (Linux 5.14 and later;
     * {@code sysctl -w net.ipv4.tcp_migrate_req=1}, or {@code net.ipv4.tcp_migrate_req = 1} in
     * {@code /etc/sysctl.d}, as root). Without it a worker closing its socket resets the few connections the kernel
     * queued on it after its last accept.
     *
     * @return true if queued connections migrate, false if they are reset or the setting cannot be read.
     */
    public static boolean isMigratingQueuedConnections()
    {
        try
        {
            return "1".equals(Files.readString(MIGRATE_REQ_SETTING).trim());
        }
        catch (final IOException | SecurityException ex)
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
