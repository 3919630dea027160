/**
 * Shared server ports, Node's cluster style: every worker listens on the same TCP port with {@code SO_REUSEPORT}
 * and the kernel spreads connections among them.
 * <ul>
 *     <li>{@link io.clustr.patterns.net.SharedPort} opens a server socket channel that other processes can bind
 *     too;</li>
 *     <li>{@link io.clustr.patterns.net.SimpleHttpServer} serves HTTP/1.1 on such a socket from one event-loop
 *     thread.</li>
 * </ul>
 * A worker tells the node that spawned it where it listens with {@code Node.announceListening}, and that node's
 * {@code LifecycleListener.onListening} hears it. See {@code docs/patterns.md}.
 */
package io.clustr.patterns.net;
