/**
 * The demo cluster, clustr-node's own example: a master spawning web and cache workers pinned to CPUs, waiting for
 * their "ready" confirmations, messaging on every stream, and killing one. Run it with {@code ./demo}.
 */
package io.clustr.examples.demo;
