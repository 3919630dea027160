package io.clustr.patterns.job;

import io.clustr.Node;
import io.clustr.patterns.call.CallFunction;
import io.clustr.patterns.call.CallServer;
import io.clustr.patterns.call.InlineFunction;

import java.util.Objects;

/**
 * A worker of job queues: handles functions of named queues, at most {@link #maxInFlight(int)} jobs at once on this
 * node (all queues together), on a {@link CallServer}.
 * <pre>{@code
 * JobWorker.on(worker).maxInFlight(1).handle("pages", "title", (url) -> fetchTitle(url)).start();
 * }</pre>
 */
public final class JobWorker implements AutoCloseable
{
    private final CallServer server;

    private JobWorker(final Node node)
    {
        this.server = CallServer.on(node);
    }

    /**
     * @param node the worker.
     * @return a job worker on it, not started.
     */
    public static JobWorker on(final Node node)
    {
        return new JobWorker(Objects.requireNonNull(node, "node must not be null"));
    }

    /**
     * @param maxInFlight how many jobs run at once on this node (1 by default).
     * @return this.
     */
    public JobWorker maxInFlight(final int maxInFlight)
    {
        server.maxInFlight(maxInFlight);
        return this;
    }

    /**
     * Handle a queue's function on the worker's executor, off the duty cycle.
     *
     * @param queue    the queue.
     * @param function the function's name.
     * @param handler  runs each job: its return value is the job's result.
     * @return this.
     */
    public JobWorker handle(final String queue, final String function, final CallFunction handler)
    {
        server.serve(JobQueues.callName(queue, function), handler);
        return this;
    }

    /**
     * Handle a queue's function on the node's duty-cycle thread (microseconds of work, or replying later).
     *
     * @param queue    the queue.
     * @param function the function's name.
     * @param handler  runs each job.
     * @return this.
     */
    public JobWorker handleInline(final String queue, final String function, final InlineFunction handler)
    {
        server.serveInline(JobQueues.callName(queue, function), handler);
        return this;
    }

    /**
     * Start taking jobs.
     *
     * @return this.
     */
    public JobWorker start()
    {
        server.start();
        return this;
    }

    /**
     * @return the call server the jobs run on.
     */
    public CallServer server()
    {
        return server;
    }

    /**
     * Stop taking jobs (see {@link CallServer#close()}).
     */
    @Override
    public void close()
    {
        server.close();
    }
}
