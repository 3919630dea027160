package io.clustr.bench.clustr;

import io.clustr.Options;
import io.clustr.Worker;
import io.clustr.bench.Args;
import io.clustr.bench.calls.CallClient;
import io.clustr.bench.calls.CallFunction;
import io.clustr.bench.calls.CallTransport;
import io.clustr.bench.calls.JobSubmitter;
import io.clustr.patterns.call.CallException;
import io.clustr.patterns.call.CallServer;
import io.clustr.patterns.call.ReplyHandler;
import io.clustr.patterns.job.JobQueues;
import io.clustr.patterns.job.JobWorker;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * clustr's side of the call and job workloads, on {@code io.clustr.patterns}: each worker process is a clustr
 * {@link Worker} (started by hand on the master's driver, {@code --aeron-dir}) serving the function inline, on its
 * duty cycle, with a {@link CallServer} of {@code --max-in-flight} slots; the caller is a worker too, with a
 * {@link io.clustr.patterns.call.CallClient} (the zero-copy callback form); jobs go through {@link JobQueues}.
 */
public final class ClustrCalls implements CallTransport
{
    static final String GROUP = "bench-calls";
    static final String JOB_FUNCTION = "job";

    /**
     * Jobs the submitter lets wait for a slot before it waits itself (the Redis submitter's bound).
     */
    static final int MAX_BACKLOG = 10_000;

    private static final long BACKLOG_POLL_NS = TimeUnit.MICROSECONDS.toNanos(100);

    private final String aeronDir;
    private final int maxInFlight;
    private final int workers;

    /**
     * @param args {@code --aeron-dir d [--max-in-flight n] [--workers n]}.
     */
    public ClustrCalls(final Args args)
    {
        this.aeronDir = args.required("aeron-dir");
        this.maxInFlight = args.intValue("max-in-flight", 64);
        this.workers = args.intValue("workers", 3);
    }

    private Worker join(final String group)
    {
        return Worker.create(Options.aeronDirectory(aeronDir), Options.group(group));
    }

    /**
     * {@inheritDoc}
     */
    public void serve(final String function, final CallFunction fn, final Runnable onReady) throws Exception
    {
        final Worker worker = join(GROUP);
        final UnsafeBuffer reply = new UnsafeBuffer(new byte[1 << 20]);
        CallServer.on(worker).maxInFlight(maxInFlight)
            .serveInline(function, (request, responder) ->
                responder.reply(reply, 0, fn.apply(request.buffer(), request.offset(), request.length(), reply)))
            .start();
        onReady.run();
        worker.awaitTermination();
    }

    /**
     * {@inheritDoc}
     */
    public CallClient client(final String function, final int callers) throws Exception
    {
        final Worker node = join("bench-callers");
        final io.clustr.patterns.call.CallClient calls = io.clustr.patterns.call.CallClient.on(node).start();
        awaitServers(calls, function);
        final long timeoutNs = calls.timeoutNs();
        final Caller[] handlers = new Caller[callers];
        for (int i = 0; i < callers; i++)
        {
            handlers[i] = new Caller(i);
        }

        return new CallClient()
        {
            public void call(
                final int caller, final DirectBuffer request, final int length, final CallClient.ReplyHandler handler)
            {
                final Caller callerHandler = handlers[caller];
                callerHandler.handler = handler;
                calls.call(GROUP, function, request, 0, length, timeoutNs, callerHandler);
            }

            public void close()
            {
                calls.close();
                node.close();
            }
        };
    }

    /**
     * {@inheritDoc}
     */
    public void work(final String queue, final int worker, final CallFunction fn, final Runnable onReady)
        throws Exception
    {
        final Worker node = join(GROUP);
        final UnsafeBuffer reply = new UnsafeBuffer(new byte[1 << 20]);
        JobWorker.on(node).maxInFlight(maxInFlight)
            .handleInline(queue, JOB_FUNCTION, (request, responder) ->
                responder.reply(reply, 0, fn.apply(request.buffer(), request.offset(), request.length(), reply)))
            .start();
        onReady.run();
        node.awaitTermination();
    }

    /**
     * {@inheritDoc}
     */
    public JobSubmitter submitter(final String queue, final int workers) throws Exception
    {
        final Worker node = join("bench-submitters");
        final io.clustr.patterns.call.CallClient calls = io.clustr.patterns.call.CallClient.on(node)
            .maxQueued(1 << 20).start();
        awaitServers(calls, queue + "/" + JOB_FUNCTION);
        final JobQueues jobs = JobQueues.on(calls);
        return new JobSubmitter()
        {
            public void submit(final DirectBuffer job, final int length)
            {
                // the submitter's own back-pressure, as the Redis submitter's: past MAX_BACKLOG waiting jobs it
                // parks (never spins: on a small machine a spinning submitter takes the workers' CPU) until half
                // of them have gone
                if (calls.queued() > MAX_BACKLOG)
                {
                    while (calls.queued() > MAX_BACKLOG / 2)
                    {
                        LockSupport.parkNanos(BACKLOG_POLL_NS);
                    }
                }
                jobs.submit(queue, JOB_FUNCTION, job, 0, length);
            }

            public void awaitRun(final long timeoutMs)
            {
                final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
                while (calls.queued() > 0 || calls.inFlight() > 0)
                {
                    if (System.nanoTime() > deadlineNs)
                    {
                        throw new IllegalStateException(calls.queued() + " jobs still wait and " + calls.inFlight() +
                            " run after " + timeoutMs + " ms");
                    }
                    Thread.yield();
                }
            }

            public void close()
            {
                calls.close();
                node.close();
            }
        };
    }

    private void awaitServers(final io.clustr.patterns.call.CallClient calls, final String function)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (calls.serverCount(GROUP, function) < workers)
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new IllegalStateException("only " + calls.serverCount(GROUP, function) + " of " + workers +
                    " clustr servers of " + function + " announced within 30 s");
            }
            Thread.sleep(1);
        }
    }

    /**
     * One caller's reply handler, reused for each of its calls (one outstanding at a time).
     */
    private static final class Caller implements ReplyHandler
    {
        private final int index;
        volatile CallClient.ReplyHandler handler;

        Caller(final int index)
        {
            this.index = index;
        }

        public void onReply(final long workerId, final DirectBuffer buffer, final int offset, final int length)
        {
            handler.onReply(index, buffer, offset, length);
        }

        public void onError(final CallException error)
        {
            handler.onError(index, error);
        }
    }
}
