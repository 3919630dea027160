/**
 * Calls to worker functions with an in-flight limit (luafan's {@code fan.worker}): {@link
 * io.clustr.patterns.call.CallServer} on the workers, {@link io.clustr.patterns.call.CallClient} on any caller; see
 * {@code docs/patterns.md}.
 */
package io.clustr.patterns.call;
