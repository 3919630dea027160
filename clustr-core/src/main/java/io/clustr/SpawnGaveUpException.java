package io.clustr;

import io.clustr.spawn.ExitStatus;

/**
 * A spec's crash-loop budget is spent (its worker died too often too quickly, see
 * {@link io.clustr.spawn.RespawnPolicy#crashLoop(int, java.time.Duration)}) or it could no longer be forked, so
 * nothing waiting on that spec's workers can complete: a {@link Master#awaitConfirmations(int, String)} future fails
 * with it. The message names the spec, why it was given up and its last exit.
 */
public class SpawnGaveUpException extends ClustrException
{
    private static final long serialVersionUID = 1L;

    private final String specName;
    private final long lastWorkerId;
    private final String reason;
    private final transient ExitStatus lastExit;

    /**
     * @param message      what failed, naming the spec and its last exit.
     * @param specName     the spec's name, e.g. {@code "CrashingWorker"}.
     * @param lastWorkerId id of the spec's last incarnation.
     * @param reason       why the spec was given up, with its last exit.
     * @param lastExit     the last incarnation's exit, or null if unknown.
     */
    public SpawnGaveUpException(
        final String message,
        final String specName,
        final long lastWorkerId,
        final String reason,
        final ExitStatus lastExit)
    {
        super(message);
        this.specName = specName;
        this.lastWorkerId = lastWorkerId;
        this.reason = reason;
        this.lastExit = lastExit;
    }

    /**
     * @return the given-up spec's name.
     */
    public String specName()
    {
        return specName;
    }

    /**
     * @return id of the spec's last incarnation, which has exited.
     */
    public long lastWorkerId()
    {
        return lastWorkerId;
    }

    /**
     * @return why the spec was given up, e.g. {@code "crash loop: 3 deaths within 30000 ms (budget 3), not respawning
     * any more; last exit: exit code 1: ..."}.
     */
    public String reason()
    {
        return reason;
    }

    /**
     * @return the last incarnation's exit, or null if it is not known.
     */
    public ExitStatus lastExit()
    {
        return lastExit;
    }
}
