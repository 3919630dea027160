/**
 * luafan's {@code fan.worker} example on {@code io.clustr.patterns.call}: {@code ./example commander}.
 */
package io.clustr.examples.calls;
