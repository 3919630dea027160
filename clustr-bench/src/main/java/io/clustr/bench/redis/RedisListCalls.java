package io.clustr.bench.redis;

import io.clustr.bench.Args;
import io.clustr.bench.calls.BlockingCallClient;
import io.clustr.bench.calls.CallClient;
import io.clustr.bench.calls.CallFunction;
import io.clustr.bench.calls.CallFunctions;
import io.clustr.bench.calls.CallTransport;
import io.clustr.bench.calls.JobSubmitter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Calls and jobs over Redis lists, Worker-machine's transport, through Jedis.
 * <ul>
 *     <li>Call: the caller LPUSHes {@code [reply key length][reply key][request]} on the function's job list and
 *     BRPOPs its own reply list (one list per caller), both in one pipelined round trip; a worker BRPOPs the job
 *     list, runs the function and LPUSHes the reply on the caller's list, pipelined with its BRPOP of the next
 *     job. Each job goes to exactly one worker; workers run one call at a time.</li>
 *     <li>Job: the submitter LPUSHes jobs pipelined 256 deep, and waits while the list holds more than
 *     {@value #MAX_BACKLOG} (LPUSH returns the length); a worker BRPOPs one job at a time and drops its result.
 *     {@link JobSubmitter#awaitRun(long)} pushes one fence job per worker after the jobs: a worker that takes a
 *     fence reports it and waits to be resumed, so each worker takes exactly one, and all fences reported means
 *     every job before them has run.</li>
 * </ul>
 */
public final class RedisListCalls implements CallTransport
{
    /**
     * First byte of a fence job.
     */
    static final byte FENCE = 'F';

    /**
     * Jobs the submitter lets wait in the list before it waits itself.
     */
    static final int MAX_BACKLOG = 10_000;

    private static final long BACKLOG_POLL_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final String PREFIX = "clustr-bench:";
    private static final int CALLER_SOCKET_TIMEOUT_MS = 30_000;
    private static final int REPLY_TIMEOUT_S = 20;

    private final String host;
    private final int port;

    /**
     * Create the transport.
     *
     * @param args {@code --port n [--host h]}.
     */
    public RedisListCalls(final Args args)
    {
        this.host = args.string("host", "127.0.0.1");
        this.port = Integer.parseInt(args.required("port"));
    }

    private static byte[] key(final String... parts)
    {
        return (PREFIX + String.join(":", parts)).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * {@inheritDoc}
     */
    public void serve(final String function, final CallFunction fn, final Runnable onReady)
    {
        final byte[] jobs = key("call", function);
        final UnsafeBuffer request = new UnsafeBuffer(new byte[0]);
        final UnsafeBuffer reply = new UnsafeBuffer(new byte[0]);
        byte[] replyBytes = new byte[0];
        try (Jedis jedis = new Jedis(host, port, 0))
        {
            jedis.ping();
            onReady.run();
            final Pipeline pipeline = jedis.pipelined();
            List<byte[]> job = jedis.brpop(0, jobs);
            while (true)
            {
                final byte[] message = job.get(1);
                final int keyLength = message[0] & 0xFF;
                final byte[] replyKey = new byte[keyLength];
                System.arraycopy(message, 1, replyKey, 0, keyLength);
                final int requestOffset = 1 + keyLength;
                final int requestLength = message.length - requestOffset;
                final int replyLength = CallFunctions.replyLength(function, requestLength);
                if (replyBytes.length != replyLength)
                {
                    replyBytes = new byte[replyLength];
                    reply.wrap(replyBytes);
                }

                request.wrap(message);
                fn.apply(request, requestOffset, requestLength, reply);
                pipeline.lpush(replyKey, replyBytes);
                final Response<List<byte[]>> next = pipeline.brpop(0, jobs);
                pipeline.sync();
                job = next.get();
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public CallClient client(final String function, final int callers)
    {
        return new ListCallClient(function, callers);
    }

    /**
     * {@inheritDoc}
     */
    public void work(final String queue, final int worker, final CallFunction fn, final Runnable onReady)
    {
        final byte[] jobs = key("jobs", queue);
        final byte[] fenced = key("jobs", queue, "fenced");
        final byte[] resume = key("jobs", queue, "resume", Integer.toString(worker));
        final byte[] workerId = Integer.toString(worker).getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer job = new UnsafeBuffer(new byte[0]);
        final UnsafeBuffer result = new UnsafeBuffer(new byte[CallFunctions.MD5_LENGTH]);
        try (Jedis jedis = new Jedis(host, port, 0))
        {
            jedis.ping();
            onReady.run();
            while (true)
            {
                final byte[] message = jedis.brpop(0, jobs).get(1);
                if (message.length > 0 && FENCE == message[0])
                {
                    jedis.lpush(fenced, workerId);
                    jedis.brpop(0, resume);
                    continue;
                }

                if (result.capacity() < CallFunctions.MD5_LENGTH + message.length)
                {
                    result.wrap(new byte[CallFunctions.MD5_LENGTH + message.length]);
                }

                job.wrap(message);
                fn.apply(job, 0, message.length, result);
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public JobSubmitter submitter(final String queue, final int workers)
    {
        return new ListJobSubmitter(queue, workers);
    }

    private final class ListCallClient extends BlockingCallClient
    {
        private final byte[] jobs;
        private final Jedis[] connections;
        private final byte[][] replyKeys;
        private final byte[][] messages;

        ListCallClient(final String function, final int callers)
        {
            super("redis", callers);
            jobs = key("call", function);
            connections = new Jedis[callers];
            replyKeys = new byte[callers][];
            messages = new byte[callers][];
            final String pid = Long.toString(ProcessHandle.current().pid());
            for (int i = 0; i < callers; i++)
            {
                replyKeys[i] = key("reply", pid, Integer.toString(i));
            }

            start();
        }

        protected void open(final int caller)
        {
            connections[caller] = new Jedis(host, port, CALLER_SOCKET_TIMEOUT_MS);
            connections[caller].del(replyKeys[caller]);
        }

        protected byte[] callAndWait(final int caller, final byte[] request)
        {
            final byte[] replyKey = replyKeys[caller];
            byte[] message = messages[caller];
            if (null == message || message.length != 1 + replyKey.length + request.length)
            {
                message = new byte[1 + replyKey.length + request.length];
                message[0] = (byte)replyKey.length;
                System.arraycopy(replyKey, 0, message, 1, replyKey.length);
                messages[caller] = message;
            }

            System.arraycopy(request, 0, message, 1 + replyKey.length, request.length);
            final Pipeline pipeline = connections[caller].pipelined();
            pipeline.lpush(jobs, message);
            final Response<List<byte[]>> reply = pipeline.brpop(REPLY_TIMEOUT_S, replyKey);
            pipeline.sync();
            final List<byte[]> popped = reply.get();
            if (null == popped)
            {
                throw new IllegalStateException("no reply on " + new String(replyKey, StandardCharsets.US_ASCII) +
                    " within " + REPLY_TIMEOUT_S + " s");
            }

            return popped.get(1);
        }

        protected void closeCaller(final int caller)
        {
            if (null != connections[caller])
            {
                connections[caller].close();
            }
        }
    }

    private final class ListJobSubmitter implements JobSubmitter
    {
        private static final int PIPELINE_DEPTH = 256;

        private final int workers;
        private final byte[] jobs;
        private final byte[] fenced;
        private final String queue;
        private final Jedis jedis;
        private Pipeline pipeline;
        private Response<Long> lastLength;
        private int pending;
        private byte[] message = new byte[0];

        ListJobSubmitter(final String queue, final int workers)
        {
            this.queue = queue;
            this.workers = workers;
            this.jobs = key("jobs", queue);
            this.fenced = key("jobs", queue, "fenced");
            this.jedis = new Jedis(host, port, CALLER_SOCKET_TIMEOUT_MS);
            jedis.del(jobs, fenced);
            pipeline = jedis.pipelined();
        }

        public void submit(final DirectBuffer job, final int length)
        {
            if (message.length != length)
            {
                message = new byte[length];
            }

            // Jedis encodes the command into its output buffer during the call, so the array can be reused.
            job.getBytes(0, message, 0, length);
            lastLength = pipeline.lpush(jobs, message);
            if (++pending >= PIPELINE_DEPTH)
            {
                sync();
                if (lastLength.get() > MAX_BACKLOG)
                {
                    // parks, not spins: on a small machine a spinning submitter takes the workers' CPU
                    while (jedis.llen(jobs) > MAX_BACKLOG / 2)
                    {
                        LockSupport.parkNanos(BACKLOG_POLL_NS);
                    }
                }
            }
        }

        public void awaitRun(final long timeoutMs)
        {
            sync();
            final byte[] fence = {FENCE};
            for (int i = 0; i < workers; i++)
            {
                jedis.lpush(jobs, fence);
            }

            final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
            final String[] reported = new String[workers];
            for (int i = 0; i < workers; i++)
            {
                final long leftS = Math.max(1, (deadlineNs - System.nanoTime()) / 1_000_000_000L);
                final List<byte[]> popped = jedis.brpop((int)Math.min(leftS, REPLY_TIMEOUT_S), fenced);
                if (null == popped)
                {
                    throw new IllegalStateException(i + " of " + workers + " workers reached the fence of queue " +
                        queue + " in time");
                }

                reported[i] = new String(popped.get(1), StandardCharsets.US_ASCII);
            }

            for (final String worker : reported)
            {
                jedis.lpush(key("jobs", queue, "resume", worker), fence);
            }

            pipeline = jedis.pipelined();
        }

        public void close()
        {
            jedis.close();
        }

        private void sync()
        {
            pipeline.sync();
            pending = 0;
        }
    }
}
