/**
 * Worker-machine's page-titles example on {@code io.clustr.patterns.job}: {@code ./example titles}.
 */
package io.clustr.examples.jobs;
