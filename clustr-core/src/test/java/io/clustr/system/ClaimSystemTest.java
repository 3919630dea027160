package io.clustr.system;

import io.aeron.protocol.DataHeaderFlyweight;
import io.clustr.Channel;
import io.clustr.Claim;
import io.clustr.Configuration;
import io.clustr.WorkerHandle;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.clustr.system.ClusterFixture.worker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Encoding straight into the log: claims from the master and from a worker, through real worker JVMs, with the
 * sender and its group carried in the frame header only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@InterruptAfter(60)
class ClaimSystemTest
{
    @RegisterExtension
    static final DriverErrorLogWatcher WATCHER = new DriverErrorLogWatcher();

    private ClusterFixture cluster;
    private WorkerHandle web;
    private WorkerHandle cache;

    @BeforeAll
    void startCluster()
    {
        cluster = new ClusterFixture(WATCHER);
        final List<WorkerHandle> workers = cluster.spawnReady(worker("web"), worker("cache"));
        web = workers.get(0);
        cache = workers.get(1);
    }

    @AfterAll
    void stopCluster()
    {
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @Test
    void shouldDeliverWhatIsEncodedIntoAClaim()
    {
        final byte[] text = "claimed-text".getBytes(StandardCharsets.US_ASCII);
        final Claim claim = cluster.master.claim(Channel.worker(web.id()), text.length);
        assertEquals(text.length, claim.length());
        claim.buffer().putBytes(claim.offset(), text);
        claim.commit();

        assertEquals("private|" + web.id() + "|0||claimed-text", cluster.await((m) -> m.endsWith("|claimed-text")));
    }

    @Test
    void shouldDeliverTheLargestClaimWhole()
    {
        final int length = Configuration.IPC_MTU_LENGTH - DataHeaderFlyweight.HEADER_LENGTH;
        final Claim claim = cluster.master.claim(Channel.worker(web.id()), length);
        assertEquals(length, claim.length());
        for (int i = 0; i < length - 1; i++)
        {
            claim.buffer().putByte(claim.offset() + i, (byte)('a' + (i % 26)));
        }
        claim.buffer().putByte(claim.offset() + length - 1, (byte)'!');
        claim.commit();

        final String received = cluster.await((m) -> m.endsWith("!"));
        assertEquals(length, received.length() - received.lastIndexOf('|') - 1, "payload length");
        assertTrue(received.startsWith("private|" + web.id() + "|0||abcdefghijklmnopqrstuvwxyzabc"), received);
    }

    @Test
    void shouldCarryTheSenderAndItsGroupFromAWorkersClaim()
    {
        cluster.master.publish(Channel.worker(web.id()), "claim:group:cache:from-web");

        assertEquals("group|" + cache.id() + "|" + web.id() + "|web|from-web",
            cluster.await((m) -> m.endsWith("|from-web")));
    }

    @Test
    void shouldPublishNothingForAnAbortedClaim()
    {
        final Claim claim = cluster.master.claim(Channel.worker(web.id()), 7);
        claim.buffer().putStringWithoutLengthAscii(claim.offset(), "aborted");
        claim.abort();
        cluster.master.publish(Channel.worker(web.id()), "after-abort");

        final List<String> received = cluster.collectUntil((m) -> m.endsWith("|after-abort"), 1);
        assertFalse(received.stream().anyMatch((m) -> m.endsWith("|aborted")), received.toString());
    }

    @Test
    void shouldRefuseClaimsThatCannotWorkWithClearErrors()
    {
        final IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
            () -> cluster.master.claim(Channel.PUBLIC, 8161));
        assertTrue(tooLarge.getMessage().contains("at most 8160 bytes"), tooLarge.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cluster.master.claim(Channel.CONFIRMATION, 8));

        final Claim claim = cluster.master.claim(Channel.worker(cache.id()), 5);
        claim.buffer().putStringWithoutLengthAscii(claim.offset(), "first");
        final IllegalStateException open = assertThrows(IllegalStateException.class,
            () -> cluster.master.publish(Channel.worker(cache.id()), "second"));
        assertTrue(open.getMessage().contains("commit (or abort) it"), open.getMessage());
        claim.commit();
        assertThrows(IllegalStateException.class, claim::commit);

        cluster.master.publish(Channel.worker(cache.id()), "second");
        assertEquals(List.of("private|" + cache.id() + "|0||first", "private|" + cache.id() + "|0||second"),
            cluster.collectUntil((m) -> m.endsWith("|second"), 1).stream()
                .filter((m) -> m.endsWith("|first") || m.endsWith("|second")).toList());
    }

    @Test
    void shouldRefuseAPublishWhileAClaimIsOpenEvenOnAChannelJustPublishedTo()
    {
        final Channel toCache = Channel.worker(cache.id());
        final UnsafeBuffer payload = new UnsafeBuffer("armed".getBytes(StandardCharsets.US_ASCII));
        assertTrue(cluster.master.tryPublish(toCache, payload, 0, payload.capacity()));
        assertTrue(cluster.master.tryPublish(toCache, payload, 0, payload.capacity())); // the fast path, armed

        final Claim claim = cluster.master.claim(toCache, 4);
        claim.buffer().putStringWithoutLengthAscii(claim.offset(), "held");
        final IllegalStateException tried = assertThrows(IllegalStateException.class,
            () -> cluster.master.tryPublish(toCache, payload, 0, payload.capacity()));
        assertTrue(tried.getMessage().contains("commit (or abort) it"), tried.getMessage());
        assertThrows(IllegalStateException.class, () -> cluster.master.publish(toCache, payload, 0, 5));
        claim.commit();

        final UnsafeBuffer after = new UnsafeBuffer("after-held".getBytes(StandardCharsets.US_ASCII));
        assertTrue(cluster.master.tryPublish(toCache, after, 0, after.capacity()));
        assertEquals(List.of("armed", "armed", "held", "after-held"),
            cluster.collectUntil((m) -> m.endsWith("|after-held"), 1).stream()
                .filter((m) -> m.startsWith("private|" + cache.id() + "|0||"))
                .map((m) -> m.substring(m.lastIndexOf('|') + 1))
                .filter((m) -> List.of("armed", "held", "after-held").contains(m))
                .toList());
    }

    @Test
    void shouldGiveScratchSpaceWhenNobodySubscribes()
    {
        final Claim claim = cluster.master.claim(Channel.group("nobody-joined"), 64);
        claim.buffer().putLong(claim.offset(), 42);
        claim.commit();
        assertTrue(cluster.master.tryPublish(Channel.group("nobody-joined"),
            new org.agrona.concurrent.UnsafeBuffer(new byte[8]), 0, 8));
    }
}
