package io.clustr.patterns.net;

import io.clustr.test.InterruptAfter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@InterruptAfter(30)
class SharedPortTest
{
    @Test
    void shouldBeSupportedOnLinux()
    {
        assertEquals(System.getProperty("os.name").toLowerCase().contains("linux"), SharedPort.isSupported());
    }

    @Test
    void shouldLetTwoSocketsListenOnOnePort() throws IOException
    {
        try (ServerSocketChannel first = SharedPort.open(new InetSocketAddress("127.0.0.1", 0));
            ServerSocketChannel second = SharedPort.open((InetSocketAddress)first.getLocalAddress()))
        {
            assertEquals(first.getLocalAddress(), second.getLocalAddress());
            assertTrue(second.getOption(StandardSocketOptions.SO_REUSEPORT));
        }
    }

    @Test
    void shouldSayWhyAPortTakenByAPlainSocketCannotBeShared() throws IOException
    {
        try (ServerSocketChannel plain = ServerSocketChannel.open())
        {
            plain.bind(new InetSocketAddress("127.0.0.1", 0));
            final BindException ex = assertThrows(BindException.class,
                () -> SharedPort.open((InetSocketAddress)plain.getLocalAddress()));
            assertTrue(ex.getMessage().contains("without SO_REUSEPORT"), ex.getMessage());
        }
    }

    @Test
    void shouldRejectBadArguments()
    {
        assertThrows(NullPointerException.class, () -> SharedPort.open(null));
        assertThrows(IllegalArgumentException.class,
            () -> SharedPort.open(InetSocketAddress.createUnresolved("example.invalid", 80)));
        assertThrows(IllegalArgumentException.class, () -> SharedPort.open(new InetSocketAddress(0), 0));
    }
}
