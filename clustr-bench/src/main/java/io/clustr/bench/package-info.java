/**
 * clustr-bench: measures clustr beside raw Aeron, Redis pub/sub and Node.js IPC, each between separate OS
 * processes, and prints one {@code RESULT} line per measurement plus a summary. {@link io.clustr.bench.BenchRunner}
 * is the orchestrator; {@code clustr-bench/run.sh [--quick]} builds, runs and cleans up.
 */
package io.clustr.bench;
