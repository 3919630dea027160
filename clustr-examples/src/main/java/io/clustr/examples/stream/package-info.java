/**
 * forkfriend's own example on clustr's stream pattern ({@code io.clustr.patterns.stream}): a log file read line by
 * line, each line processed by one of 4 worker JVMs, the results written to an output file with exactly as many lines.
 * Run it with {@code ./example log-lines [input output]}.
 */
package io.clustr.examples.stream;
