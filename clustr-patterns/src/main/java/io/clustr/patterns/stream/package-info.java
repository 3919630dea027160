/**
 * Streams with back-pressure, a bounded queue and drops (forkfriend's pattern): {@link
 * io.clustr.patterns.stream.StreamManager} spreads the messages piped into it over the workers serving a named stream
 * ({@link io.clustr.patterns.stream.StreamWorker}), with a credit window per worker, least recently used first, and
 * delivers their results; it pauses the producer while every worker is backed up, holds up to {@code maxQueue}
 * messages while no worker is up and drops the oldest beyond, and re-sends what a dead worker had in flight. See
 * {@code docs/patterns.md}.
 */
package io.clustr.patterns.stream;
