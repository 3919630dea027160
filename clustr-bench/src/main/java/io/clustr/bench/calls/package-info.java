/**
 * The call and job workloads of the work-pattern issue (luafan's {@code fan.worker}, Worker-machine's job queue),
 * written once against a small interface that each system implements: {@link io.clustr.bench.calls.CallTransport}
 * serves a function on worker processes, calls it from concurrent callers ({@link
 * io.clustr.bench.calls.CallClient}) and submits fire-and-forget jobs ({@link io.clustr.bench.calls.JobSubmitter}).
 * {@link io.clustr.bench.calls.CallDriver} and {@link io.clustr.bench.calls.JobDriver} time them the same way over
 * every system; {@link io.clustr.bench.calls.CallWorkerMain} and {@link io.clustr.bench.calls.CallerMain} are the
 * processes.
 */
package io.clustr.bench.calls;
