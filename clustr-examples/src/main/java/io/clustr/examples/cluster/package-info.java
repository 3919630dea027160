/**
 * Node's own cluster example: HTTP workers answering "hello world" on one shared port (SO_REUSEPORT, one worker per
 * CPU, each pinned), telling the master of each request with a message; the master prints the count every second.
 * Run it with {@code ./example cluster}.
 */
package io.clustr.examples.cluster;
