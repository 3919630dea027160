package io.clustr.patterns.job;

import io.clustr.patterns.call.CallClient;
import io.clustr.patterns.call.CallException;
import io.clustr.patterns.call.ReplyHandler;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Named job queues (Worker-machine's), built on the call engine: a job is a call of {@code function} on queue
 * {@code queue}, served by every {@link JobWorker} that handles it, whatever its group.
 * <pre>{@code
 * JobQueues jobs = JobQueues.on(CallClient.on(master).start());
 * jobs.submit("mail", "send", bytes);                                    // fire and forget
 * for (JobResult r : jobs.batch("pages", "title", urls)) { ... }         // in completion order
 * List<JobResult> inOrder = jobs.batchOrdered("pages", "title", urls).await();
 * }</pre>
 * <ul>
 *     <li>Each job goes to exactly one worker, the one with the most free slots (the call engine's dispatch); queues
 *     wait FIFO each, and a freed slot takes the oldest job waiting in any queue the worker handles.</li>
 *     <li><b>A worker that dies mid-job</b>: its jobs in flight are sent again, at once, to another worker, at most
 *     {@link #retries(int)} times (1 by default), then fail with the worker's departure. So a job whose worker dies
 *     may run twice: make jobs idempotent, or set {@code retries(0)} for at most once. A job that threw, timed out or
 *     was refused is not run again (the error is the job's, not the worker's).</li>
 *     <li>Failures of fire-and-forget jobs known at once (no worker handles the queue, the waiting bound is reached)
 *     are thrown by {@code submit}; later ones go to {@link #onFailure(Consumer)}.</li>
 * </ul>
 */
public final class JobQueues
{
    private final CallClient calls;
    private int retries = 1;
    private Consumer<JobFailure> onFailure = (failure) -> { };
    private CallName lastCallName;

    private JobQueues(final CallClient calls)
    {
        this.calls = calls;
    }

    /**
     * @param calls a started call client: its timeout, queue bound and dispatch apply to jobs.
     * @return job queues over it.
     */
    public static JobQueues on(final CallClient calls)
    {
        return new JobQueues(Objects.requireNonNull(calls, "call client must not be null"));
    }

    /**
     * @param retries how many times a job whose worker died is sent again to another worker (1 by default).
     * @return this.
     */
    public JobQueues retries(final int retries)
    {
        if (retries < 0)
        {
            throw new IllegalArgumentException("retries must be 0 or more, got " + retries);
        }
        this.retries = retries;
        return this;
    }

    /**
     * @param onFailure told of each fire-and-forget job that failed after {@code submit} returned (on the node's
     *                  duty-cycle or the call client's timer thread: keep it short).
     * @return this.
     */
    public JobQueues onFailure(final Consumer<JobFailure> onFailure)
    {
        this.onFailure = Objects.requireNonNull(onFailure, "failure listener must not be null");
        return this;
    }

    /**
     * Submit a job, fire and forget.
     *
     * @param queue    the queue.
     * @param function the function workers of the queue run.
     * @param payload  the job's input, handed over (never copied: do not change it until the job is done).
     * @throws CallException if it fails at once: no worker handles the queue's function ({@code NO_SERVER}), or the
     *                       waiting bound is reached ({@code QUEUE_FULL}).
     */
    public void submit(final String queue, final String function, final byte[] payload)
    {
        Objects.requireNonNull(payload, "payload must not be null");
        final Job job = new Job(queue, function, payload, -1, null);
        job.send();
        if (null != job.failedAtOnce)
        {
            throw job.failedAtOnce;
        }
    }

    /**
     * Submit a job from a buffer, fire and forget: the bytes are copied (the job keeps them for a retry), so the
     * buffer may be reused as soon as this returns. The form for a submitting loop.
     *
     * @param queue    the queue.
     * @param function the function workers of the queue run.
     * @param buffer   holding the job's input.
     * @param offset   of the input.
     * @param length   of the input.
     * @throws CallException if it fails at once: no worker handles the queue's function ({@code NO_SERVER}), or the
     *                       waiting bound is reached ({@code QUEUE_FULL}).
     */
    public void submit(
        final String queue, final String function, final DirectBuffer buffer, final int offset, final int length)
    {
        Objects.requireNonNull(buffer, "buffer must not be null");
        final byte[] payload = new byte[length];
        buffer.getBytes(offset, payload);
        submit(queue, function, payload);
    }

    /**
     * @param queue    the queue.
     * @param function the function workers of the queue run.
     * @param text     the job's input, as UTF-8.
     */
    public void submit(final String queue, final String function, final String text)
    {
        submit(queue, function, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Run one job per input and get the results in the order they complete, as they arrive.
     *
     * @param queue    the queue.
     * @param function the function workers of the queue run.
     * @param inputs   one job each, handed over (never copied: do not change them until their jobs are done).
     * @return the results, iterated in completion order.
     */
    public JobBatch batch(final String queue, final String function, final List<byte[]> inputs)
    {
        return batch(queue, function, inputs, false);
    }

    /**
     * Run one job per input and get the results in input order, each as soon as it and those before it are done.
     *
     * @param queue    the queue.
     * @param function the function workers of the queue run.
     * @param inputs   one job each.
     * @return the results, iterated in input order.
     */
    public JobBatch batchOrdered(final String queue, final String function, final List<byte[]> inputs)
    {
        return batch(queue, function, inputs, true);
    }

    private JobBatch batch(final String queue, final String function, final List<byte[]> inputs, final boolean ordered)
    {
        Objects.requireNonNull(inputs, "inputs must not be null");
        final JobBatch batch = new JobBatch(inputs.size(), ordered);
        for (int i = 0; i < inputs.size(); i++)
        {
            new Job(queue, function, Objects.requireNonNull(inputs.get(i), "input " + i + " is null"), i, batch).send();
        }
        return batch;
    }

    /**
     * @param queue    a queue's name.
     * @param function a function's name.
     * @return the name of the call a job is: {@code queue/function}.
     */
    static String callName(final String queue, final String function)
    {
        Objects.requireNonNull(queue, "queue must not be null");
        Objects.requireNonNull(function, "function must not be null");
        if (queue.isEmpty() || queue.indexOf('/') >= 0)
        {
            throw new IllegalArgumentException("a queue name must be non-empty and have no '/', got '" + queue + "'");
        }
        return queue + "/" + function;
    }

    /**
     * The call name of the last queue and function submitted to, kept so that a submitting loop does not build the
     * same string for every job (an immutable holder: a racy read from another thread sees it whole or not at all).
     */
    private String cachedCallName(final String queue, final String function)
    {
        final CallName last = lastCallName;
        if (null != last && last.queue.equals(queue) && last.function.equals(function))
        {
            return last.callName;
        }

        final CallName name = new CallName(queue, function, callName(queue, function));
        lastCallName = name;
        return name.callName;
    }

    private static final class CallName
    {
        final String queue;
        final String function;
        final String callName;

        CallName(final String queue, final String function, final String callName)
        {
            this.queue = queue;
            this.function = function;
            this.callName = callName;
        }
    }

    /**
     * One job through its attempts.
     */
    private final class Job implements ReplyHandler
    {
        private final String queue;
        private final String function;
        private final String callName;
        private final byte[] payload;
        private final int index;
        private final JobBatch batch;
        private int attempts;
        private boolean isSending;
        private CallException failedAtOnce;

        Job(final String queue, final String function, final byte[] payload, final int index, final JobBatch batch)
        {
            this.queue = queue;
            this.function = function;
            this.callName = cachedCallName(queue, function);
            this.payload = payload;
            this.index = index;
            this.batch = batch;
        }

        void send()
        {
            attempts++;
            isSending = true;
            try
            {
                // the job's array is handed over: a job waiting for a slot is this object, its array and its call
                calls.call(CallClient.ANY_GROUP, callName, payload, calls.timeoutNs(), this);
            }
            finally
            {
                isSending = false;
            }
        }

        public void onReply(final long workerId, final DirectBuffer reply, final int offset, final int length)
        {
            if (null != batch)
            {
                final byte[] value = new byte[length];
                reply.getBytes(offset, value);
                batch.add(new JobResult(index, workerId, value, null, attempts));
            }
        }

        public void onError(final CallException error)
        {
            if (CallException.Kind.WORKER_LEFT == error.kind() && attempts <= retries)
            {
                send();
                return;
            }
            if (null != batch)
            {
                batch.add(new JobResult(index, -1, null, error, attempts));
            }
            else if (isSending && 1 == attempts)
            {
                failedAtOnce = error;
            }
            else
            {
                onFailure.accept(new JobFailure(queue, function, payload, error, attempts));
            }
        }
    }
}
