/**
 * NATS peer (through jnats, against the loopback nats-server run.sh started): calls as request-reply to a queue
 * group.
 */
package io.clustr.bench.nats;
