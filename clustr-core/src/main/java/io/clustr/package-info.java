/**
 * clustr: pub/sub messaging between the processes of a cluster, on Aeron.
 * <p>
 * A {@link io.clustr.Master} (node 0, which embeds the host's media driver by default) and any number of
 * {@link io.clustr.Worker}s, each a {@link io.clustr.Node} with one Aeron client and one duty-cycle thread, talk on
 * four kinds of stream, named by {@link io.clustr.Channel}: public, group, private and confirmation. Any node can
 * publish anywhere, spawn supervised children from specs ({@code io.clustr.spawn.Spec}) and kill any other node by
 * id. Options for creating nodes are in {@link io.clustr.Options}; tunables in {@link io.clustr.Configuration}.
 */
package io.clustr;
