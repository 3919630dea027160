package io.clustr;

import io.clustr.spawn.ExitStatus;

import java.net.InetSocketAddress;

/**
 * Lifecycle events of the workers a node spawned, delivered on the node's duty-cycle thread. Implement the events
 * you need; the others do nothing.
 */
public interface LifecycleListener
{
    /**
     * A worker process was started (first start or respawn).
     *
     * @param worker the new worker; {@code worker.restarts()} is 0 on a first start.
     */
    default void onFork(final WorkerHandle worker)
    {
    }

    /**
     * A worker has joined the cluster: it can receive messages and its confirmations count.
     *
     * @param worker the worker.
     */
    default void onOnline(final WorkerHandle worker)
    {
    }

    /**
     * A worker announced that it listens on a server socket, with {@link Node#announceListening(InetSocketAddress)}:
     * Node's cluster {@code 'listening'} event. Comes after {@link #onOnline(WorkerHandle)} and never after
     * {@link #onExit(WorkerHandle, ExitStatus, boolean)}; once per announcement, so a worker that listens on two
     * ports is told twice, and workers sharing one port (SO_REUSEPORT) each announce it.
     *
     * @param worker  the worker.
     * @param address the address and port it is bound to, as it announced them (an IP address, never resolved
     *                through DNS; {@code 0.0.0.0} or {@code ::} for every interface).
     */
    default void onListening(final WorkerHandle worker, final InetSocketAddress address)
    {
    }

    /**
     * A worker process has exited.
     *
     * @param worker     the worker that exited.
     * @param status     its exit code or the signal that killed it, with the reason (for failures, the last lines
     *                   of its standard error).
     * @param respawning true when the spec's respawn policy will start a replacement (with a new id).
     */
    default void onExit(final WorkerHandle worker, final ExitStatus status, final boolean respawning)
    {
    }

    /**
     * A spec's crash-loop budget is spent: its worker died too often too quickly and will not be respawned again
     * (or it could no longer be forked). Told at once, before anything else reacts: then the master's
     * {@link Master#awaitConfirmations(int, String) confirmation waits} that the spec's workers had not confirmed
     * into fail with a {@link SpawnGaveUpException}, and the node keeps running, unless the spec's policy
     * {@link io.clustr.spawn.RespawnPolicy#escalate(int) escalates}: then the node stops its other children and exits
     * with the policy's exit code.
     *
     * @param lastWorker the last incarnation, which has exited.
     * @param reason     what happened, e.g. {@code "crash loop: 5 deaths within 30000 ms (budget 5), not respawning
     *                   any more; last exit: exit code 1: ..."}.
     */
    default void onRespawnGaveUp(final WorkerHandle lastWorker, final String reason)
    {
    }

    /**
     * A group operation of the master has begun: a rolling restart or a scaling, asked through
     * {@link Master#reload(String)} or {@link Master#scale(String, int)}, or by an operator ({@code clustr reload},
     * {@code clustr scale}). Only a master reports these.
     *
     * @param operation   e.g. {@code "reload web"} or {@code "scale web 4"}.
     * @param requestedBy who asked: {@code "api"}, or e.g. {@code "operator (clustr reload, pid 4242)"}.
     */
    default void onOperationStarted(final String operation, final String requestedBy)
    {
    }

    /**
     * A group operation of the master has ended.
     *
     * @param operation   as in {@link #onOperationStarted(String, String)}.
     * @param requestedBy who asked.
     * @param succeeded   true if it did all it was asked.
     * @param outcome     what happened, e.g. {@code "reload web: done, new workers [7, 8]"} or why it failed.
     */
    default void onOperationDone(
        final String operation, final String requestedBy, final boolean succeeded, final String outcome)
    {
    }
}
