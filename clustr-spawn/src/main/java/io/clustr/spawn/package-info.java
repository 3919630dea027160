/**
 * clustr-spawn: launching, pinning and supervising child processes. It knows processes, not messaging.
 * <ul>
 *     <li>{@link io.clustr.spawn.Spec} and {@link io.clustr.spawn.SpawnOption} say what to run: a JVM child (a main
 *     class with the parent's java and class path) or any command, its CPUs, arguments, environment, respawn policy
 *     and output.</li>
 *     <li>{@link io.clustr.spawn.Supervisor} forks them from one long-lived thread (so they die with the parent, even
 *     on SIGKILL), pins whole processes with {@code taskset}, drains and prefixes their output, watches their exits
 *     and respawns them under a {@link io.clustr.spawn.RespawnPolicy} with throttling and a crash-loop budget.</li>
 *     <li>{@link io.clustr.spawn.Pinning} is used inside a child to lock its duty-cycle thread to its CPU.</li>
 *     <li>{@link io.clustr.spawn.SpawnEnvironment} names the variables a child reads its identity from.</li>
 * </ul>
 */
package io.clustr.spawn;
