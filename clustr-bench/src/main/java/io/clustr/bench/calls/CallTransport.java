package io.clustr.bench.calls;

/**
 * What a system needs to take part in the call and job workloads: serve a function on a worker process, call it
 * from concurrent callers, submit fire-and-forget jobs to workers. One instance per process, made by {@link
 * CallTransports#create(String, io.clustr.bench.Args)} from the process's command line.
 * <p>
 * A worker process serves one function ({@link #serve}) or runs jobs ({@link #work}) until it is terminated; a
 * caller process opens a {@link CallClient} or a {@link JobSubmitter} and drives it with {@link CallDriver} or
 * {@link JobDriver}, which time every system the same way. Adding a system is one implementation of this
 * interface and a line in {@link CallTransports}.
 */
public interface CallTransport
{
    /**
     * Serve {@code function} in this worker process until it is terminated; calls to it from any caller may come
     * here (the system spreads them over the workers that serve it). Each call runs {@code fn} and sends its reply
     * back to the caller. Runs calls one at a time, in the thread that calls this method.
     *
     * @param function name callers call it by.
     * @param fn       computes each reply.
     * @param onReady  run once the worker can take calls.
     * @throws Exception when the system fails; the worker process then exits with an error.
     */
    void serve(String function, CallFunction fn, Runnable onReady) throws Exception;

    /**
     * A client for calls to {@code function} from up to {@code callers} concurrent callers.
     *
     * @param function name of the function.
     * @param callers  how many calls may be outstanding at once (one per caller).
     * @return the client.
     * @throws Exception when the system fails.
     */
    CallClient client(String function, int callers) throws Exception;

    /**
     * Run the jobs of {@code queue} in this worker process until it is terminated, one at a time: each job goes to
     * exactly one worker of the queue; its result, if any, is dropped (fire-and-forget).
     *
     * @param queue   name of the queue.
     * @param worker  this worker's index among the queue's workers, 0 to workers - 1.
     * @param fn      run for each job.
     * @param onReady run once the worker can take jobs.
     * @throws Exception when the system fails.
     * @throws UnsupportedOperationException when the system has no job queue in the bench.
     */
    default void work(final String queue, final int worker, final CallFunction fn, final Runnable onReady)
        throws Exception
    {
        throw new UnsupportedOperationException("no job queue for this system in the bench");
    }

    /**
     * A submitter of fire-and-forget jobs to {@code queue}.
     *
     * @param queue   name of the queue.
     * @param workers how many workers run its jobs.
     * @return the submitter.
     * @throws Exception when the system fails.
     * @throws UnsupportedOperationException when the system has no job queue in the bench.
     */
    default JobSubmitter submitter(final String queue, final int workers) throws Exception
    {
        throw new UnsupportedOperationException("no job queue for this system in the bench");
    }
}
