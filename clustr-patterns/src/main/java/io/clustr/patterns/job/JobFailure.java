package io.clustr.patterns.job;

import io.clustr.patterns.call.CallException;

/**
 * A fire-and-forget job that failed after it was submitted, told to {@link JobQueues#onFailure}.
 *
 * @param queue    the job's queue.
 * @param function the job's function.
 * @param payload  the job's input.
 * @param error    why it failed.
 * @param attempts how many times it was sent.
 */
public record JobFailure(String queue, String function, byte[] payload, CallException error, int attempts)
{
}
