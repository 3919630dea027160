package io.clustr.bench.calls;

import io.clustr.bench.workload.BenchLine;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The call and job drivers against in-process fakes of a system (no server, no timing assertion): what they count,
 * what they check in the replies, how they fail.
 */
class CallDriverTest
{
    private static final long WARMUP_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long DURATION_NS = TimeUnit.MILLISECONDS.toNanos(200);

    @Test
    void md5ShouldReturnTheRequestAndItsDigest()
    {
        final byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer reply = new UnsafeBuffer(new byte[CallFunctions.replyLength(CallFunctions.MD5, 3)]);

        final int length = CallFunctions.forName(CallFunctions.MD5).apply(new UnsafeBuffer(abc), 0, 3, reply);

        assertEquals(3 + 16, length);
        assertEquals("abc", reply.getStringWithoutLengthAscii(0, 3));
        final StringBuilder hex = new StringBuilder();
        for (int i = 3; i < length; i++)
        {
            hex.append(String.format("%02x", reply.getByte(i) & 0xFF));
        }

        assertEquals("900150983cd24fb0d6963f7d28e17f72", hex.toString()); // RFC 1321's test value
    }

    @Test
    void shouldRejectAnUnknownFunctionByName()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> CallFunctions.forName("sha1"));
        assertTrue(ex.getMessage().contains("unknown function 'sha1': use md5 or empty"), ex.getMessage());
    }

    @Test
    @Timeout(30)
    void shouldCountTheCallsOfEveryCallerThroughABlockingClient()
    {
        final AtomicInteger calls = new AtomicInteger();
        try (CallClient client = new LocalBlockingClient(CallFunctions.MD5, 4, calls, false))
        {
            final Map<String, String> fields = fields(
                new CallDriver(client, CallFunctions.MD5, 4, 3072).run(WARMUP_NS, DURATION_NS));

            assertEquals("call", fields.get("bench"));
            assertEquals("4", fields.get("callers"));
            assertEquals("3072", fields.get("msg_bytes"));
            final long measured = Long.parseLong(fields.get("calls"));
            assertTrue(measured > 0, fields.toString());
            assertTrue(measured <= calls.get(), measured + " measured of " + calls.get() + " made");
            assertTrue(Long.parseLong(fields.get("p50_ns")) <= Long.parseLong(fields.get("p99_ns")), fields.toString());
        }
    }

    @Test
    @Timeout(30)
    void shouldFailOnAWrongReplyNamingTheCaller()
    {
        try (CallClient client = new LocalBlockingClient(CallFunctions.MD5, 2, new AtomicInteger(), true))
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> new CallDriver(client, CallFunctions.MD5, 2, 64).run(WARMUP_NS, DURATION_NS));
            assertTrue(ex.getMessage().contains("md5 reply differs from the request and its digest"),
                ex.getMessage());
        }
    }

    @Test
    @Timeout(30)
    void shouldFailWhenACallFails()
    {
        final CallClient failing = new CallClient()
        {
            public void call(final int caller, final DirectBuffer request, final int length, final ReplyHandler handler)
            {
                handler.onError(caller, new IllegalStateException("no responders"));
            }

            public void close()
            {
            }
        };

        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> new CallDriver(failing, CallFunctions.EMPTY, 3, 32).run(WARMUP_NS, DURATION_NS));
        assertTrue(ex.getMessage().contains("call failed: java.lang.IllegalStateException: no responders"),
            ex.getMessage());
    }

    @Test
    @Timeout(30)
    void shouldTimeTheJobsUntilAllHaveRun()
    {
        final int[] submitted = new int[1];
        final int[] awaited = new int[1];
        final int[] atAwait = new int[2];
        final JobSubmitter submitter = new JobSubmitter()
        {
            public void submit(final DirectBuffer job, final int length)
            {
                assertEquals(JobDriver.JOB, job.getByte(0));
                assertEquals(32, length);
                submitted[0]++;
            }

            public void awaitRun(final long timeoutMs)
            {
                atAwait[awaited[0]++] = submitted[0];
            }

            public void close()
            {
            }
        };

        final Map<String, String> fields = fields(new JobDriver(submitter, 32).run(WARMUP_NS, DURATION_NS));

        assertEquals(2, awaited[0]);
        assertEquals(atAwait[1] - atAwait[0], Long.parseLong(fields.get("jobs")));
        assertTrue(Long.parseLong(fields.get("ns")) >= DURATION_NS, fields.toString());
    }

    private static Map<String, String> fields(final String line)
    {
        assertTrue(line.startsWith(BenchLine.PREFIX + "bench="), line);
        final Map<String, String> fields = new HashMap<>();
        for (final String part : line.split(" "))
        {
            final int eq = part.indexOf('=');
            if (eq > 0)
            {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }

        return fields;
    }

    /**
     * Runs the function in each caller's own thread, as a blocking system's client would wait for a worker.
     */
    private static final class LocalBlockingClient extends BlockingCallClient
    {
        private final CallFunction[] functions;
        private final String function;
        private final AtomicInteger calls;
        private final boolean corrupt;

        LocalBlockingClient(final String function, final int callers, final AtomicInteger calls, final boolean corrupt)
        {
            super("local", callers);
            this.function = function;
            this.calls = calls;
            this.corrupt = corrupt;
            this.functions = new CallFunction[callers];
            start();
        }

        protected void open(final int caller)
        {
            functions[caller] = CallFunctions.forName(function);
        }

        protected byte[] callAndWait(final int caller, final byte[] request)
        {
            calls.incrementAndGet();
            final byte[] reply = new byte[CallFunctions.replyLength(function, request.length)];
            functions[caller].apply(new UnsafeBuffer(request), 0, request.length, new UnsafeBuffer(reply));
            if (corrupt)
            {
                reply[reply.length - 1] ^= 1;
            }

            return reply;
        }

        protected void closeCaller(final int caller)
        {
        }
    }
}
