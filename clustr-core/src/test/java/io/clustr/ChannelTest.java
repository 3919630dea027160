package io.clustr;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelTest
{
    @Test
    void shouldDescribeChannels()
    {
        assertEquals("public", Channel.PUBLIC.toString());
        assertEquals("confirmation", Channel.CONFIRMATION.toString());
        assertEquals("group(web)", Channel.group("web").toString());
        assertEquals("worker(42)", Channel.worker(42).toString());
        assertEquals(Channel.group("web"), Channel.group("web"));
        assertNotEquals(Channel.group("web"), Channel.group("cache"));
        assertEquals(Channel.Kind.PRIVATE, Channel.worker(0).kind());
    }

    @Test
    void shouldMapGroupIdsIntoTheGroupStreamRange()
    {
        assertEquals(Configuration.GROUP_STREAM_ID_BASE + 1, Configuration.groupStreamId(1));
        assertTrue(Configuration.groupStreamId(GroupRegistry.MAX_GROUP_ID) < Configuration.PRIVATE_STREAM_ID_BASE);
        assertThrows(IllegalArgumentException.class, () -> Configuration.groupStreamId(0));
        assertThrows(IllegalArgumentException.class,
            () -> Configuration.groupStreamId(GroupRegistry.MAX_GROUP_ID + 1));
    }

    @Test
    void shouldRejectGroupNamesThatAreTooLong()
    {
        assertThrows(IllegalArgumentException.class, () -> Channel.group("g".repeat(101)));
        assertEquals(100, Channel.group("g".repeat(100)).groupName().length());
    }

    @Test
    void shouldRejectWorkerIdsOutsideThePrivateRange()
    {
        assertThrows(IllegalArgumentException.class, () -> Channel.worker(Configuration.MAX_WORKER_ID + 1));
        assertThrows(IllegalArgumentException.class, () -> Configuration.privateStreamId(-1));
        assertEquals(Integer.MAX_VALUE, Configuration.privateStreamId(Configuration.MAX_WORKER_ID));
    }

    @Test
    void shouldParseIdleStrategyAliases()
    {
        assertEquals("progressive", Configuration.idleStrategy().alias());
        assertEquals("backoff", Configuration.idleStrategy("backoff").alias());
        assertEquals("yield", Configuration.idleStrategy("yield").alias());
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> Configuration.idleStrategy("fast"));
        assertTrue(ex.getMessage().contains("progressive, backoff, yield"), ex.getMessage());
    }
}
