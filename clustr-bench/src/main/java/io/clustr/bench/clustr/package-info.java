/**
 * The clustr side of the bench: a master process per scenario ({@link io.clustr.bench.clustr.ClustrBenchMaster})
 * and the workers it spawns with clustr's own spawn (publisher, subscriber, pinger, ponger, idle).
 */
package io.clustr.bench.clustr;
