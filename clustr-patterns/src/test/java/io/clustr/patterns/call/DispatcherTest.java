package io.clustr.patterns.call;

import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dispatch logic alone, with times given: most free slots, least recently used, FIFO waiting, the bound, no
 * server, departures, timeouts and the discovery grace.
 */
class DispatcherTest
{
    private static final long GRACE_NS = 1_000;
    private static final ReplyHandler NONE = new ReplyHandler()
    {
        public void onReply(final long workerId, final DirectBuffer buffer, final int offset, final int length)
        {
        }

        public void onError(final CallException error)
        {
        }
    };

    private final Dispatcher dispatcher = new Dispatcher(3, GRACE_NS);
    private final List<Call> out = new ArrayList<>();
    private long correlationId;

    private Call call(final String group, final String function, final long deadlineNs)
    {
        return new Call(++correlationId, group, function, deadlineNs, NONE);
    }

    private Call submit(final String group, final String function)
    {
        final Call call = call(group, function, Long.MAX_VALUE);
        dispatcher.submit(call, 0);
        return call;
    }

    @Test
    void shouldGoToTheServerWithTheMostFreeSlotsThenTheLeastRecentlyUsed()
    {
        dispatcher.announced(1, "md5", 2, List.of("digest"), out, out);
        dispatcher.announced(2, "md5", 3, List.of("digest"), out, out);
        dispatcher.announced(3, "md5", 2, List.of("digest"), out, out);

        assertEquals(2, submit("md5", "digest").serverId());       // 3 free
        // now 1, 2 and 3 have 2 free each: 1 is the least recently used, then 3, then 2
        assertEquals(1, submit("md5", "digest").serverId());
        assertEquals(3, submit("md5", "digest").serverId());
        assertEquals(2, submit("md5", "digest").serverId());
        // 1 free each: least recently used first again
        assertEquals(1, submit("md5", "digest").serverId());
        assertEquals(3, submit("md5", "digest").serverId());
        assertEquals(2, submit("md5", "digest").serverId());
        assertEquals(0, dispatcher.queuedCount());
        assertEquals(7, dispatcher.inFlightCount());
    }

    @Test
    void shouldDispatchOnlyToServersOfTheGroupThatServeTheFunction()
    {
        dispatcher.announced(1, "web", 5, List.of("render"), out, out);
        dispatcher.announced(2, "md5", 1, List.of("digest", "render"), out, out);

        assertEquals(2, submit("md5", "render").serverId());
        assertEquals(1, submit("web", "render").serverId());
        assertEquals(1, submit(CallClient.ANY_GROUP, "render").serverId());
        final Call none = submit("web", "digest");
        assertTrue(none.isDone);
        assertEquals(CallException.Kind.NO_SERVER, none.error.kind());
        assertEquals("no worker of group web serves digest: start a CallServer serving it (or check the names)",
            none.error.getMessage());
    }

    @Test
    void shouldQueueFifoWhenEverySlotIsTakenAndFailPastTheBound()
    {
        dispatcher.announced(1, "md5", 1, List.of("digest"), out, out);
        final Call running = submit("md5", "digest");
        final Call first = submit("md5", "digest");
        final Call second = submit("md5", "digest");
        final Call third = submit("md5", "digest");
        assertEquals(-1, first.serverId());
        assertEquals(3, dispatcher.queuedCount());

        final Call refused = submit("md5", "digest");
        assertEquals(CallException.Kind.QUEUE_FULL, refused.error.kind());
        assertTrue(refused.error.getMessage().contains("maxQueued"), refused.error.getMessage());

        assertSame(running, dispatcher.complete(running.correlationId));
        dispatcher.dispatchQueued(running.server, out);
        assertEquals(List.of(first), out);
        out.clear();
        dispatcher.dispatchQueued(dispatcher.complete(first.correlationId).server, out);
        assertEquals(List.of(second), out);
        out.clear();
        dispatcher.dispatchQueued(dispatcher.complete(second.correlationId).server, out);
        assertEquals(List.of(third), out);
        assertEquals(0, dispatcher.queuedCount());
    }

    @Test
    void shouldTakeTheOldestWaitingCallOfAnyFunctionTheFreedServerServes()
    {
        dispatcher.announced(1, "g", 1, List.of("a", "b"), out, out);
        submit("g", "a");
        final Call b = submit("g", "b");
        final Call a = submit("g", "a");

        dispatcher.dispatchQueued(dispatcher.complete(1).server, out);
        assertEquals(List.of(b), out);
        out.clear();
        dispatcher.dispatchQueued(dispatcher.complete(b.correlationId).server, out);
        assertEquals(List.of(a), out);
    }

    @Test
    void shouldFailTheCallsInFlightOfAServerThatLeftAndSendItsQueuedOnesToTheOthers()
    {
        dispatcher.announced(1, "md5", 1, List.of("digest"), out, out);
        dispatcher.announced(2, "md5", 1, List.of("digest"), out, out);
        final Call onOne = submit("md5", "digest");
        final Call onTwo = submit("md5", "digest");
        final Call waiting = submit("md5", "digest");
        assertEquals(1, onOne.serverId());
        assertEquals(2, onTwo.serverId());

        dispatcher.memberLeft(1, "killed by signal 9 (SIGKILL)", out);
        assertEquals(List.of(onOne), out);
        assertEquals(CallException.Kind.WORKER_LEFT, onOne.error.kind());
        assertEquals("worker 1 of group md5 left the cluster with call digest in flight: killed by signal 9 (SIGKILL)",
            onOne.error.getMessage());
        assertFalse(waiting.isDone);
        assertNull(dispatcher.complete(onOne.correlationId), "a late reply from the dead server is ignored");

        out.clear();
        dispatcher.dispatchQueued(dispatcher.complete(onTwo.correlationId).server, out);
        assertEquals(List.of(waiting), out);
        assertEquals(2, waiting.serverId());

        out.clear();
        dispatcher.memberLeft(2, "exited with 1", out);
        assertEquals(List.of(waiting), out);
        assertEquals(CallException.Kind.WORKER_LEFT, waiting.error.kind());
    }

    @Test
    void shouldFailQueuedCallsWhenTheLastServerOfTheirFunctionLeaves()
    {
        dispatcher.announced(1, "md5", 1, List.of("digest"), out, out);
        final Call running = submit("md5", "digest");
        final Call waiting = submit("md5", "digest");

        dispatcher.memberLeft(1, "exited with 0", out);
        assertEquals(List.of(running, waiting), out);
        assertEquals(CallException.Kind.WORKER_LEFT, running.error.kind());
        assertEquals(CallException.Kind.NO_SERVER, waiting.error.kind());
        assertEquals(0, dispatcher.queuedCount());
    }

    @Test
    void shouldQueueACallBehindWaitingOnesAndStillFailItAtOnceOnceNoServerIsLeft()
    {
        // a call of a function whose calls already wait is queued behind them without a scan of the servers: it
        // must keep FIFO, the bound, and NO_SERVER at once when its servers have gone
        dispatcher.announced(1, "md5", 1, List.of("digest"), out, out);
        dispatcher.announced(2, "md5", 1, List.of("other"), out, out);
        final Call running = submit("md5", "digest");
        final Call first = submit("md5", "digest");
        final Call second = submit("md5", "digest");
        final Call other = submit("md5", "other");
        assertEquals(1, running.serverId());
        assertEquals(-1, first.serverId());
        assertEquals(2, other.serverId());
        assertEquals(2, dispatcher.queuedCount());

        dispatcher.complete(running.correlationId);
        dispatcher.dispatchQueued(running.server, out);
        assertEquals(List.of(first), out);
        out.clear();

        final Call third = submit("md5", "digest");
        assertFalse(third.isDone);
        assertEquals(2, dispatcher.queuedCount());
        final Call fourth = submit("md5", "digest");
        assertFalse(fourth.isDone);
        assertEquals(3, dispatcher.queuedCount());
        final Call refused = submit("md5", "digest");
        assertTrue(refused.isDone);
        assertEquals(CallException.Kind.QUEUE_FULL, refused.error.kind());
        assertEquals(3, dispatcher.queuedCount());

        dispatcher.memberLeft(1, "killed", out);
        assertEquals(List.of(first, second, third, fourth), out);
        assertEquals(CallException.Kind.WORKER_LEFT, first.error.kind());
        assertEquals(CallException.Kind.NO_SERVER, fourth.error.kind());
        final Call afterwards = submit("md5", "digest");
        assertTrue(afterwards.isDone);
        assertEquals(CallException.Kind.NO_SERVER, afterwards.error.kind());
        assertEquals(0, dispatcher.queuedCount());
    }

    @Test
    void shouldFailTheWaitingCallsOfAFunctionItsLastServerNoLongerAnnounces()
    {
        dispatcher.announced(1, "md5", 1, List.of("digest", "sha1"), out, out);
        final Call running = submit("md5", "digest");
        final Call waiting = submit("md5", "sha1");
        assertFalse(waiting.isDone);

        final List<Call> failed = new ArrayList<>();
        out.clear();
        dispatcher.announced(1, "md5", 1, List.of("digest"), out, failed);
        assertEquals(List.of(), out);
        assertEquals(List.of(waiting), failed);
        assertEquals(CallException.Kind.NO_SERVER, waiting.error.kind());
        assertEquals(0, dispatcher.queuedCount());
        final Call afterwards = submit("md5", "sha1");
        assertTrue(afterwards.isDone);
        assertEquals(CallException.Kind.NO_SERVER, afterwards.error.kind());
        assertFalse(running.isDone);
    }

    @Test
    void shouldHoldCallsForAJoinedMemberUntilItAnnouncesOrItsGraceIsOver()
    {
        dispatcher.memberJoined(7, "md5", 100);
        final Call early = call("md5", "digest", Long.MAX_VALUE);
        assertFalse(dispatcher.submit(early, 200));
        assertFalse(early.isDone, "held: the member may be starting its server");

        dispatcher.announced(7, "md5", 2, List.of("digest"), out, out);
        assertEquals(List.of(early), out);
        assertEquals(7, early.serverId());

        out.clear();
        dispatcher.memberJoined(8, "web", 100);
        final Call toWeb = call("web", "render", Long.MAX_VALUE);
        dispatcher.submit(toWeb, 200);
        dispatcher.expire(100 + GRACE_NS - 1, out);
        assertTrue(out.isEmpty());
        dispatcher.expire(100 + GRACE_NS, out);
        assertEquals(List.of(toWeb), out);
        assertEquals(CallException.Kind.NO_SERVER, toWeb.error.kind());

        out.clear();
        final Call late = call("web", "render", Long.MAX_VALUE);
        dispatcher.submit(late, 100 + GRACE_NS + 1);
        assertTrue(late.isDone, "after the grace, no server fails at once");
    }

    @Test
    void shouldTimeOutWaitingAndInFlightCallsAndKeepTheSlotOfATimedOutCallUntilItsReply()
    {
        dispatcher.announced(1, "md5", 1, List.of("digest"), out, out);
        final Call running = call("md5", "digest", 1_000);
        final Call waiting = call("md5", "digest", 500);
        dispatcher.submit(running, 0);
        dispatcher.submit(waiting, 0);

        dispatcher.expire(499, out);
        assertTrue(out.isEmpty());
        dispatcher.expire(500, out);
        assertEquals(List.of(waiting), out);
        assertEquals(CallException.Kind.TIMEOUT, waiting.error.kind());
        assertTrue(waiting.error.getMessage().contains("never sent"), waiting.error.getMessage());

        out.clear();
        dispatcher.expire(1_000, out);
        assertEquals(List.of(running), out);
        assertTrue(running.error.getMessage().contains("keeps the slot"), running.error.getMessage());

        out.clear();
        final Call next = call("md5", "digest", 5_000);
        dispatcher.submit(next, 1_000);
        assertFalse(next.isDone);
        assertEquals(-1, next.serverId(), "the timed-out call still holds the slot");
        final Call late = dispatcher.complete(running.correlationId);
        assertTrue(late.isDone, "a late reply completes nothing");
        dispatcher.dispatchQueued(late.server, out);
        assertEquals(List.of(next), out);
    }

    @Test
    void shouldTimeOutEachCallAtItsOwnDeadlineWhateverTheOrderTheyCameIn()
    {
        // the timer skips its scans until the earliest deadline it knows of: calls that come later with earlier
        // deadlines, and calls that come after a scan, must lower it
        dispatcher.announced(1, "md5", 1, List.of("digest"), out, out);
        final Call running = call("md5", "digest", 9_000);
        final Call late = call("md5", "digest", 800);
        final Call early = call("md5", "digest", 300);
        dispatcher.submit(running, 0);
        dispatcher.submit(late, 0);
        dispatcher.submit(early, 0);

        dispatcher.expire(299, out);
        assertTrue(out.isEmpty());
        dispatcher.expire(300, out);
        assertEquals(List.of(early), out);

        out.clear();
        final Call earlier = call("md5", "digest", 500);
        dispatcher.submit(earlier, 400);
        dispatcher.expire(500, out);
        assertEquals(List.of(earlier), out, "a call queued after a scan with an earlier deadline than the rest");

        out.clear();
        dispatcher.expire(800, out);
        assertEquals(List.of(late), out);
        assertEquals(0, dispatcher.queuedCount());

        out.clear();
        final Call other = call("md5", "digest", 2_000);
        dispatcher.announced(2, "md5", 1, List.of("digest"), out, out);
        assertTrue(out.isEmpty());
        dispatcher.submit(other, 800);
        assertEquals(2, other.serverId(), "dispatched to the second server");
        assertEquals(2, dispatcher.inFlightCount());
        dispatcher.expire(2_000, out);
        assertEquals(List.of(other), out, "an in-flight call dispatched after a scan with an earlier deadline");
        out.clear();
        dispatcher.expire(9_000, out);
        assertEquals(List.of(running), out);
    }

    @Test
    void shouldStopSendingToAWithdrawnServerAndForgetItOnceItsCallsAreBack()
    {
        dispatcher.announced(1, "md5", 2, List.of("digest"), out, out);
        dispatcher.announced(2, "md5", 1, List.of("digest"), out, out);
        final Call onOne = submit("md5", "digest");
        dispatcher.withdrawn(1, out);
        assertEquals(2, submit("md5", "digest").serverId());
        assertTrue(dispatcher.server(1).isWithdrawn, "kept while its call is in flight");
        dispatcher.complete(onOne.correlationId);
        assertNull(dispatcher.server(1));
    }
}
