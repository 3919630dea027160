package io.clustr.patterns.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dispatch, credit, holding-queue and death rules of {@link Dispatcher}, deterministically: a recording sender
 * stands in for clustr, and each test drives joins, completions and leaves by hand.
 */
@Timeout(10)
class DispatcherTest
{
    private final List<String> sent = new ArrayList<>();
    private final List<String> drops = new ArrayList<>();
    private final Set<Long> backPressured = new HashSet<>();
    private final Set<Long> gone = new HashSet<>();

    private Dispatcher dispatcher(final int window, final int maxQueue, final int maxAttempts)
    {
        return new Dispatcher(window, maxQueue, maxAttempts, (workerId, entry) ->
        {
            if (gone.contains(workerId))
            {
                return Dispatcher.SendResult.GONE;
            }
            if (backPressured.contains(workerId))
            {
                return Dispatcher.SendResult.BACK_PRESSURED;
            }
            sent.add(entry.sequence + "->" + workerId);
            return Dispatcher.SendResult.SENT;
        },
            (sequence, message, reason, detail) -> drops.add(sequence + ":" + reason + ":" + new String(message)));
    }

    private static byte[] msg(final String text)
    {
        return text.getBytes();
    }

    @Test
    void shouldSendToTheLeastRecentlyUsedWorkerWithCreditAndPauseWhenAllAreBackedUp()
    {
        final Dispatcher d = dispatcher(2, 10, 3);
        d.addWorker(1, 11);
        d.addWorker(2, 12);
        for (int i = 0; i < 4; i++)
        {
            assertEquals(i, d.offer(msg("m" + i)));
        }
        assertEquals(List.of("0->1", "1->2", "2->1", "3->2"), sent);
        assertEquals(4, d.inFlight());

        assertFalse(d.isAccepting());
        assertEquals(Dispatcher.PAUSED, d.offer(msg("refused")));
        assertEquals(Dispatcher.PAUSED, d.offer(msg("refused again")));
        assertEquals(1, d.pauses(), "one pause, however many refused offers");
        assertEquals(4, d.accepted(), "a refused offer takes no sequence");
        assertFalse(d.takeResume(), "still paused");

        assertNotNull(d.complete(2, 1));
        assertTrue(d.takeResume(), "credit freed: resume");
        assertFalse(d.takeResume(), "told once");
        assertEquals(4, d.offer(msg("m4")));
        assertEquals("4->2", sent.get(4), "the only worker with credit");

        assertNotNull(d.complete(1, 0));
        assertNotNull(d.complete(2, 3));
        assertEquals(5, d.offer(msg("m5")));
        assertEquals("5->1", sent.get(5), "worker 1 was used longer ago than worker 2");
        assertEquals(3, d.completed());
        assertTrue(drops.isEmpty());
    }

    @Test
    void shouldGiveANewWorkerTheNextMessage()
    {
        final Dispatcher d = dispatcher(4, 10, 3);
        d.addWorker(1, 11);
        d.offer(msg("a"));
        d.offer(msg("b"));
        d.addWorker(2, 12);
        d.offer(msg("c"));
        d.offer(msg("d"));
        assertEquals(List.of("0->1", "1->1", "2->2", "3->1"), sent);
        assertFalse(d.addWorker(2, 12), "a second READY of the same worker is ignored");
        assertEquals(2, d.workerCount());
    }

    @Test
    void shouldHoldUpToMaxQueueWhileNoWorkerIsUpAndDropTheOldest()
    {
        final Dispatcher d = dispatcher(10, 3, 3);
        for (int i = 0; i < 5; i++)
        {
            assertEquals(i, d.offer(msg("m" + i)), "accepted while no worker is up");
        }
        assertEquals(List.of("0:OVERFLOW:m0", "1:OVERFLOW:m1"), drops);
        assertEquals(3, d.held());
        assertTrue(sent.isEmpty());

        d.addWorker(7, 1);
        assertEquals(List.of("2->7", "3->7", "4->7"), sent, "held messages go first, oldest first");
        assertEquals(0, d.held());
        assertEquals(2, d.dropped());
    }

    @Test
    void shouldDrainTheHeldQueueBeforeNewMessagesAndPauseWhileItIsNotEmpty()
    {
        final Dispatcher d = dispatcher(1, 10, 3);
        d.offer(msg("m0"));
        d.offer(msg("m1"));
        d.offer(msg("m2"));
        d.addWorker(1, 1);
        assertEquals(List.of("0->1"), sent);
        assertEquals(2, d.held());
        assertEquals(Dispatcher.PAUSED, d.offer(msg("new")), "held messages are still waiting for credit");

        d.complete(1, 0);
        assertFalse(d.takeResume(), "m2 is still held");
        d.complete(1, 1);
        assertFalse(d.takeResume(), "m2 took the credit");
        d.complete(1, 2);
        assertTrue(d.takeResume());
        assertEquals(List.of("0->1", "1->1", "2->1"), sent);
    }

    @Test
    void shouldResendTheMessagesInFlightAtAWorkerThatLeftAndIgnoreItsLateCompletions()
    {
        final Dispatcher d = dispatcher(3, 10, 3);
        d.addWorker(1, 1);
        d.addWorker(2, 2);
        for (int i = 0; i < 6; i++)
        {
            d.offer(msg("m" + i));
        }
        assertEquals(List.of("0->1", "1->2", "2->1", "3->2", "4->1", "5->2"), sent);
        d.complete(2, 1);
        sent.clear();

        assertTrue(d.removeWorker(2));
        assertEquals(List.of(), sent, "worker 1 has no credit yet");
        assertEquals(2, d.held());
        assertEquals(2, d.resent());

        d.complete(1, 0);
        d.complete(1, 2);
        assertEquals(List.of("3->1", "5->1"), sent, "worker 2's messages, oldest first");
        assertNull(d.complete(2, 3), "a late completion from the worker that left");
        assertNull(d.inFlightAt(2, 5));
        assertNotNull(d.inFlightAt(1, 5));
        assertFalse(d.addWorker(2, 2), "a worker that left is never taken back");

        d.complete(1, 3);
        d.complete(1, 4);
        d.complete(1, 5);
        assertNull(d.complete(1, 5), "a duplicate completion");
        assertEquals(6, d.completed());
        assertTrue(d.isIdle());
        assertTrue(drops.isEmpty());
    }

    @Test
    void shouldDropAMessageAfterMaxAttemptsWhenEachWorkerItReachesDies()
    {
        final Dispatcher d = dispatcher(1, 10, 2);
        d.addWorker(1, 1);
        d.addWorker(2, 2);
        d.addWorker(3, 3);
        d.offer(msg("poison"));
        d.removeWorker(1);
        d.removeWorker(2);
        assertEquals(List.of("0->1", "0->2"), sent);
        assertEquals(1, drops.size());
        assertTrue(drops.get(0).startsWith("0:WORKER_DIED:poison"), drops.toString());
        assertTrue(d.isIdle());
        assertEquals(1, d.inFlightAt(3) + 1, "worker 3 never got it");
    }

    @Test
    void shouldHoldTheMessagesOfTheLastWorkerUpToMaxQueueAndDropTheOldest()
    {
        final Dispatcher d = dispatcher(5, 2, 3);
        d.addWorker(1, 1);
        for (int i = 0; i < 4; i++)
        {
            d.offer(msg("m" + i));
        }
        d.removeWorker(1);
        assertEquals(List.of("0:OVERFLOW:m0", "1:OVERFLOW:m1"), drops);
        assertEquals(2, d.held());
        assertTrue(d.isAccepting(), "no worker up: accepting into the queue");
        d.addWorker(9, 1);
        assertEquals("2->9", sent.get(4));
        assertEquals("3->9", sent.get(5));
    }

    @Test
    void shouldKeepABackPressuredMessageAndRetryWhenAsked()
    {
        final Dispatcher d = dispatcher(4, 10, 3);
        backPressured.add(1L);
        d.addWorker(1, 1);
        assertEquals(0, d.offer(msg("m0")), "accepted: a worker has credit");
        assertTrue(d.hasStalled());
        assertEquals(1, d.held());
        assertEquals(Dispatcher.PAUSED, d.offer(msg("m1")), "the only worker is stalled");

        d.retryStalled();
        assertTrue(d.hasStalled(), "still back-pressured");
        backPressured.clear();
        d.retryStalled();
        assertFalse(d.hasStalled());
        assertEquals(List.of("0->1"), sent);
        assertTrue(d.takeResume());
        assertEquals(1, d.offer(msg("m1")));
    }

    @Test
    void shouldGiveUpAWorkerWhosePublishSaysItHasGone()
    {
        final Dispatcher d = dispatcher(4, 10, 3);
        d.addWorker(1, 1);
        d.addWorker(2, 2);
        gone.add(1L);
        d.offer(msg("m0"));
        assertEquals(List.of("0->2"), sent);
        assertEquals(1, d.workerCount());
        assertEquals(0, d.resent(), "it never had it in flight");
    }

    @Test
    void shouldDropAFailedMessageAndReturnItsCredit()
    {
        final Dispatcher d = dispatcher(1, 10, 3);
        d.addWorker(1, 1);
        d.offer(msg("bad"));
        assertFalse(d.isAccepting());
        assertNotNull(d.fail(1, 0, "java.lang.IllegalStateException: boom"));
        assertEquals(List.of("0:FAILED:bad"), drops);
        assertTrue(d.isAccepting());
        assertNull(d.fail(1, 0, "again"), "once");
        assertEquals(1, d.dropped());
        assertEquals(0, d.completed());
    }

    @Test
    void shouldDropEverythingHeldAndInFlightOnClose()
    {
        final Dispatcher d = dispatcher(1, 10, 3);
        d.addWorker(1, 1);
        d.offer(msg("m0"));
        d.removeWorker(1);
        d.offer(msg("m1"));
        d.addWorker(2, 2);
        d.close();
        assertEquals(List.of("0:CLOSED:m0", "1:CLOSED:m1"), drops);
        assertTrue(d.isIdle());
        assertThrows(IllegalStateException.class, () -> d.offer(msg("late")));
        assertNull(d.complete(2, 0));
    }

    @Test
    void shouldRejectSettingsOutOfRange()
    {
        final IllegalArgumentException window = assertThrows(IllegalArgumentException.class, () -> dispatcher(0, 1, 1));
        assertTrue(window.getMessage().contains("window is 0"), window.getMessage());
        assertThrows(IllegalArgumentException.class, () -> dispatcher(1, -1, 1));
        final IllegalArgumentException attempts = assertThrows(IllegalArgumentException.class,
            () -> dispatcher(1, 1, 0));
        assertTrue(attempts.getMessage().contains("maxAttempts is 0"), attempts.getMessage());
    }
}
