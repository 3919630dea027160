package io.clustr.patterns.stream;

import io.clustr.WorkerHandle;
import io.clustr.test.DriverErrorLogWatcher;
import io.clustr.test.InterruptAfter;
import io.clustr.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stream pattern through real worker JVMs on a real media driver: back-pressure pauses and resumes the producer,
 * the holding queue drops exactly the oldest messages while no worker is up, a worker SIGKILLed mid-stream loses
 * nothing (its messages are re-sent and each message's results are delivered once), a processor that throws drops
 * its message with the remote error.
 */
@InterruptAfter(120)
class StreamSystemTest
{
    @RegisterExtension
    final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();

    private final Queue<String> results = new ConcurrentLinkedQueue<>();
    private final Queue<String> drops = new ConcurrentLinkedQueue<>();
    private StreamFixture fixture;
    private StreamManager manager;

    @AfterEach
    void tearDown()
    {
        if (null != manager)
        {
            manager.close();
        }
        if (null != fixture)
        {
            fixture.close();
        }
    }

    private StreamManager.Context context(final String name)
    {
        return new StreamManager.Context()
            .name(name)
            .resultHandler((sequence, buffer, offset, length) ->
                results.add(sequence + "|" + buffer.getStringWithoutLengthUtf8(offset, length)))
            .dropHandler((sequence, message, reason, detail) ->
                drops.add(sequence + "|" + reason + "|" + new String(message) + "|" + detail));
    }

    @Test
    void shouldPauseTheProducerWhileTheSlowWorkerIsBackedUpAndResumeItLosingNothing() throws InterruptedException
    {
        fixture = new StreamFixture(watcher);
        final Semaphore resumed = new Semaphore(0);
        final AtomicInteger resumes = new AtomicInteger();
        manager = StreamManager.launch(fixture.master, context("slow").window(4).resumeHandler(() ->
        {
            resumes.incrementAndGet();
            resumed.release();
        }));
        fixture.spawnReady("slow", "tagged:2000");
        StreamFixture.awaitWorkers(manager, 1);

        final int count = 100;
        int pausesSeen = 0;
        for (int i = 0; i < count; i++)
        {
            while (!manager.offer("m" + i))
            {
                pausesSeen++;
                assertTrue(resumed.tryAcquire(30, TimeUnit.SECONDS), "resumed after pause " + pausesSeen);
            }
        }
        assertTrue(pausesSeen >= 10, "a producer far faster than a 2 ms worker with a window of 4 is paused: " +
            pausesSeen);
        assertEquals(pausesSeen, manager.pauses());

        // the blocking form waits instead
        for (int i = count; i < count + 20; i++)
        {
            manager.write("m" + i);
        }
        assertTrue(manager.awaitIdle(StreamFixture.TIMEOUT), manager.toString());
        assertTrue(manager.pauses() > pausesSeen, "write was paused too: " + manager.pauses());
        assertEquals(manager.pauses(), resumes.get(), "one resume per pause");

        final Map<Long, String> bySequence = bySequence();
        assertEquals(count + 20, bySequence.size(), "every message gave exactly one result");
        for (int i = 0; i < count + 20; i++)
        {
            assertTrue(bySequence.get((long)i).endsWith(":m" + i), bySequence.get((long)i));
        }
        assertEquals(count + 20, manager.completed());
        assertEquals(0, manager.dropped());
        assertTrue(drops.isEmpty(), drops.toString());
    }

    @Test
    void shouldHoldMaxQueueWhileNoWorkerIsUpAndDropExactlyTheOldest() throws InterruptedException
    {
        fixture = new StreamFixture(watcher);
        manager = StreamManager.launch(fixture.master, context("held").maxQueue(10));
        for (int i = 0; i < 25; i++)
        {
            assertTrue(manager.offer("m" + i), "accepted while no worker is up");
        }
        assertEquals(10, manager.held());

        final List<String> expectedDrops = new ArrayList<>();
        for (int i = 0; i < 15; i++)
        {
            expectedDrops.add(i + "|OVERFLOW|m" + i + "|no worker up and 10 messages held");
        }
        assertEquals(expectedDrops, new ArrayList<>(drops), "the 15 oldest, in order, with their messages");

        fixture.spawnReady("held", "upper");
        manager.write("sentinel");
        Tests.await(() -> results.stream().anyMatch((r) -> r.endsWith("|SENTINEL")), StreamFixture.TIMEOUT,
            () -> "the sentinel's result; results: " + results);

        final List<String> expected = new ArrayList<>();
        for (int i = 15; i < 25; i++)
        {
            expected.add(i + "|M" + i);
        }
        expected.add("25|SENTINEL");
        assertEquals(expected, new ArrayList<>(results), "the held messages, oldest first, then the sentinel");
        assertEquals(15, manager.dropped());
        assertEquals(15, drops.size());
    }

    @Test
    void shouldResendTheMessagesOfAWorkerKilledMidStreamAndDeliverEachResultOnce() throws Exception
    {
        fixture = new StreamFixture(watcher);
        final int window = 8;
        manager = StreamManager.launch(fixture.master, context("killed").window(window));
        final WorkerHandle victim = fixture.spawnReady("killed", "tagged:2000");
        final WorkerHandle survivor = fixture.spawnReady("killed", "tagged:2000");
        StreamFixture.awaitWorkers(manager, 2);

        final int count = 600;
        final AtomicReference<Throwable> producerError = new AtomicReference<>();
        final Thread producer = new Thread(() ->
        {
            try
            {
                for (int i = 0; i < count; i++)
                {
                    manager.write("m" + i);
                }
            }
            catch (final Throwable ex)
            {
                producerError.set(ex);
            }
        }, "producer");
        producer.start();

        Tests.await(() -> results.size() >= 100, StreamFixture.TIMEOUT, () -> "100 results: " + manager);
        // stopped first, so that what it completes after the count is bounded by its credit: then killed
        assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(victim.pid())).start().waitFor());
        final long byVictimBefore = results.stream().filter((r) -> r.contains("|" + victim.id() + ":")).count();
        assertTrue(byVictimBefore > 0, "the victim was working");
        assertTrue(ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly(), "SIGKILL sent");

        producer.join(TimeUnit.SECONDS.toMillis(60));
        assertNull(producerError.get());
        assertTrue(manager.awaitIdle(StreamFixture.TIMEOUT), manager.toString());

        final Map<Long, String> bySequence = bySequence();
        assertEquals(count, bySequence.size(), "every message has a result: " + manager);
        assertEquals(count, results.size(), "and only one");
        for (int i = 0; i < count; i++)
        {
            final String result = bySequence.get((long)i);
            assertTrue(result.endsWith(":m" + i), result);
        }
        assertEquals(count, manager.completed());
        assertEquals(0, manager.dropped());
        assertTrue(drops.isEmpty(), drops.toString());
        assertFalse(manager.isUp(victim.id()), "the victim was given up");
        assertTrue(manager.isUp(survivor.id()));
        final long resent = manager.resent();
        assertTrue(resent >= 1 && resent <= window, "the victim's messages in flight were sent again: " + resent);
        final long byVictim = results.stream().filter((r) -> r.contains("|" + victim.id() + ":")).count();
        assertTrue(byVictim - byVictimBefore <= window, "after the kill the victim can only have completed what " +
            "it had in flight: " + byVictimBefore + " before, " + byVictim + " in all");
        final long bySurvivor = results.stream().filter((r) -> r.contains("|" + survivor.id() + ":")).count();
        assertTrue(bySurvivor > 0, "the survivor worked");
    }

    @Test
    void shouldDropAMessageWhoseProcessorThrowsWithTheRemoteErrorAndCompleteTheOthers() throws Exception
    {
        fixture = new StreamFixture(watcher);
        // workers up before their managers: the managers' HELLO finds them
        fixture.spawnReady("failing", "fail-on:bad");
        fixture.spawnReady("words", "split");
        manager = StreamManager.launch(fixture.master, context("failing"));
        final Queue<String> words = new ConcurrentLinkedQueue<>();
        try (StreamManager wordStream = StreamManager.launch(fixture.master, new StreamManager.Context().name("words")
            .resultHandler((sequence, buffer, offset, length) ->
                words.add(sequence + "|" + buffer.getStringWithoutLengthUtf8(offset, length)))))
        {
            StreamFixture.awaitWorkers(manager, 1);
            StreamFixture.awaitWorkers(wordStream, 1);

            manager.write("a");
            manager.write("bad");
            manager.write("c");
            wordStream.write("one two three");
            wordStream.write("");
            wordStream.write("four");
            assertTrue(manager.awaitIdle(StreamFixture.TIMEOUT), manager.toString());
            assertTrue(wordStream.awaitIdle(StreamFixture.TIMEOUT), wordStream.toString());

            assertEquals(List.of("0|A", "2|C"), new ArrayList<>(results));
            assertEquals(1, drops.size(), drops.toString());
            final String drop = drops.peek();
            assertTrue(drop.startsWith("1|FAILED|bad|worker "), drop);
            assertTrue(drop.endsWith(": java.lang.IllegalStateException: cannot process bad"), drop);
            assertEquals(2, manager.completed());

            assertEquals(List.of("0|one", "0|two", "0|three", "2|four"), new ArrayList<>(words),
                "zero or more results per message, each stream's to its own manager");
            assertEquals(3, wordStream.completed());
        }
    }

    private Map<Long, String> bySequence()
    {
        final Map<Long, String> bySequence = new HashMap<>();
        for (final String result : results)
        {
            final int bar = result.indexOf('|');
            bySequence.put(Long.parseLong(result.substring(0, bar)), result.substring(bar + 1));
        }

        return bySequence;
    }
}
