/**
 * Redis pub/sub peer (clustr-node's transport): Jedis publishers, subscribers, pinger and ponger against a
 * loopback redis-server that the bench script starts and stops.
 */
package io.clustr.bench.redis;
