package io.clustr.bench.calls;

import io.clustr.bench.workload.BenchLine;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The submitting side of the job workload, the same over every system: submit fire-and-forget jobs as fast as the
 * queue takes them for a warm-up period, wait until they have all run; then again for the measured window, and
 * time from its first submit until every job submitted in it has run. Reports
 * {@code BENCH bench=job jobs=.. ns=..}.
 */
public final class JobDriver
{
    /**
     * First byte of a job.
     */
    public static final byte JOB = 'J';

    private static final long AWAIT_TIMEOUT_MS = 60_000;
    private static final int CLOCK_CHECK_INTERVAL = 64;

    private final JobSubmitter submitter;
    private final int msgBytes;
    private final UnsafeBuffer job;

    /**
     * Create a driver.
     *
     * @param submitter to submit through.
     * @param msgBytes  job length, at least 1.
     */
    public JobDriver(final JobSubmitter submitter, final int msgBytes)
    {
        if (msgBytes < 1)
        {
            throw new IllegalArgumentException("--msg-bytes must be at least 1: " + msgBytes);
        }

        this.submitter = submitter;
        this.msgBytes = msgBytes;
        this.job = new UnsafeBuffer(new byte[msgBytes]);
        job.putByte(0, JOB);
        for (int i = 1; i < msgBytes; i++)
        {
            job.putByte(i, (byte)('a' + (i % 26)));
        }
    }

    /**
     * Run the warm-up and the measured window.
     *
     * @param warmupNs   warm-up time.
     * @param durationNs measured window.
     * @return the {@code BENCH bench=job ...} line.
     */
    public String run(final long warmupNs, final long durationNs)
    {
        submitFor(warmupNs);
        submitter.awaitRun(AWAIT_TIMEOUT_MS);

        final long startNs = System.nanoTime();
        final long jobs = submitFor(durationNs);
        submitter.awaitRun(AWAIT_TIMEOUT_MS);
        final long elapsedNs = System.nanoTime() - startNs;

        return BenchLine.format(
            "bench", "job", "msg_bytes", msgBytes, "jobs", jobs, "ns", elapsedNs,
            "submit_ns", durationNs);
    }

    private long submitFor(final long durationNs)
    {
        final long deadlineNs = System.nanoTime() + durationNs;
        long count = 0;
        do
        {
            for (int i = 0; i < CLOCK_CHECK_INTERVAL; i++)
            {
                submitter.submit(job, msgBytes);
            }

            count += CLOCK_CHECK_INTERVAL;
        }
        while (System.nanoTime() - deadlineNs < 0);

        return count;
    }
}
