package io.clustr.patterns.job;

import io.clustr.patterns.call.CallException;

import java.nio.charset.StandardCharsets;

/**
 * The outcome of one job of a batch: its index in the batch's inputs, and either its value or its error.
 *
 * @param index    of the job's input in the batch.
 * @param workerId the worker that ran it (the last one, if it was run again), or -1 when it never ran.
 * @param value    the job's result, null if it failed.
 * @param error    why it failed, null if it succeeded.
 * @param attempts how many times it was sent (more than 1 when its worker died and it was run again).
 */
public record JobResult(int index, long workerId, byte[] value, CallException error, int attempts)
{
    /**
     * @return true if the job succeeded.
     */
    public boolean isSuccess()
    {
        return null == error;
    }

    /**
     * @return the value as UTF-8, or null if the job failed.
     */
    public String text()
    {
        return null == value ? null : new String(value, StandardCharsets.UTF_8);
    }
}
