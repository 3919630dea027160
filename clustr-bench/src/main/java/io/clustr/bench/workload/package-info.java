/**
 * Workloads shared by every transport the bench measures: the message convention ({@link
 * io.clustr.bench.workload.Payload}), the throughput publisher and receiver, and the ping-pong pinger with its
 * HdrHistogram.
 */
package io.clustr.bench.workload;
