package io.clustr.patterns.stream;

/**
 * Told of each message a {@link StreamManager} gives up, with the message itself.
 */
@FunctionalInterface
public interface DropHandler
{
    /**
     * A message was dropped. Called under the manager's lock, on the thread that caused the drop (the producer's for
     * an overflow, the node's duty-cycle thread for a failure or a worker's death): keep it short, do not block.
     *
     * @param sequence of the message: the n-th message the manager accepted has sequence n, from 0.
     * @param message  the message's bytes (the manager's copy: the handler may keep it).
     * @param reason   why it was dropped.
     * @param detail   the remote exception for {@link DropReason#FAILED}, the worker for
     *                 {@link DropReason#WORKER_DIED}, otherwise a short description.
     */
    void onDrop(long sequence, byte[] message, DropReason reason, String detail);
}
