/**
 * Raw Aeron, the floor clustr is measured against: a standalone SHARED driver and plain
 * {@code Publication}/{@code Subscription} processes for throughput, ping-pong, connect time and idle cost.
 */
package io.clustr.bench.aeron;
