/**
 * The {@code clustr} command ({@code bin/clustr}): {@code ls} lists every cluster on the host and its nodes,
 * {@code stat} shows clustr's and Aeron's counters named by node, {@code kill} asks a node to exit. Clusters are found
 * by scanning for media driver directories ({@link io.clustr.cli.DriverDirectories}) and read from their
 * {@code cnc.dat} without joining them ({@link io.clustr.cli.DriverFile}).
 */
package io.clustr.cli;
