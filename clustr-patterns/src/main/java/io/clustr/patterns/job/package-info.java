/**
 * Job queues, fire-and-forget and map-reduce batches (Worker-machine's), on the call engine: {@link
 * io.clustr.patterns.job.JobWorker} on the workers, {@link io.clustr.patterns.job.JobQueues} on any caller; see
 * {@code docs/patterns.md}.
 */
package io.clustr.patterns.job;
