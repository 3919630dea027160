package io.clustr.bench.calls;

import org.agrona.DirectBuffer;

/**
 * The submitting side of a job queue of a {@link CallTransport}: fire-and-forget jobs, each run by exactly one
 * worker.
 */
public interface JobSubmitter extends AutoCloseable
{
    /**
     * Submit one job; may wait while the queue is back-pressured (its bound is the system's own choice).
     *
     * @param job    the job at offset 0; free to reuse once this returns.
     * @param length of the job.
     */
    void submit(DirectBuffer job, int length);

    /**
     * Wait until every job submitted so far has been run by a worker.
     *
     * @param timeoutMs how long to wait at most.
     * @throws IllegalStateException when they have not all run in time.
     */
    void awaitRun(long timeoutMs);

    /**
     * Release what the submitter holds.
     */
    void close();
}
