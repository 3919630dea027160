/**
 * Internal to clustr: not API. What clustr-core needs from a {@link io.clustr.spawn.Supervisor} and users must not
 * call ({@link io.clustr.spawn.internal.SupervisorControl}: a worker joined, a worker was asked to exit). It may change
 * or go away in any release without notice; applications use {@link io.clustr.spawn} only.
 */
package io.clustr.spawn.internal;
