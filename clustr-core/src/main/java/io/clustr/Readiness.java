package io.clustr;

import java.time.Duration;
import java.util.Objects;

/**
 * When a spawned worker counts as ready, for {@link Master#reload(String)}, {@link Master#scale(String, int)} and
 * {@link Master#whenReady(WorkerHandle, Readiness)}: once it has joined ({@link #online()}), once it has announced a
 * server socket ({@link #listening()}, Node's {@code 'listening'}), or once it has sent a confirmation with an id
 * ({@link #confirmation(String)}), within a timeout. A worker that is not ready within the timeout has failed to
 * start: it is never taken for ready.
 * <pre>{@code
 * master.readiness("web", Readiness.confirmation("ready").timeout(Duration.ofSeconds(20)));
 * }</pre>
 */
public final class Readiness
{
    /**
     * How long a worker has to become ready unless {@link #timeout(Duration)} says otherwise.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What ready means.
     */
    public enum Kind
    {
        /**
         * The worker has joined the cluster.
         */
        ONLINE,

        /**
         * The worker has announced a listening socket ({@link Node#announceListening}).
         */
        LISTENING,

        /**
         * The worker has sent a confirmation with {@link #confirmationId()}.
         */
        CONFIRMATION
    }

    private final Kind kind;
    private final String confirmationId;
    private final Duration timeout;

    private Readiness(final Kind kind, final String confirmationId, final Duration timeout)
    {
        this.kind = kind;
        this.confirmationId = confirmationId;
        this.timeout = timeout;
    }

    /**
     * @return ready once joined, within {@link #DEFAULT_TIMEOUT}.
     */
    public static Readiness online()
    {
        return new Readiness(Kind.ONLINE, null, DEFAULT_TIMEOUT);
    }

    /**
     * @return ready once it has announced a listening socket, within {@link #DEFAULT_TIMEOUT}.
     */
    public static Readiness listening()
    {
        return new Readiness(Kind.LISTENING, null, DEFAULT_TIMEOUT);
    }

    /**
     * @param confirmationId the id of the confirmation that means ready, e.g. {@code "ready"}.
     * @return ready once the worker has confirmed with that id, within {@link #DEFAULT_TIMEOUT}.
     */
    public static Readiness confirmation(final String confirmationId)
    {
        Objects.requireNonNull(confirmationId, "confirmation id must not be null, e.g. \"ready\"");
        if (confirmationId.isBlank())
        {
            throw new IllegalArgumentException("confirmation id must not be blank, e.g. \"ready\"");
        }
        return new Readiness(Kind.CONFIRMATION, confirmationId, DEFAULT_TIMEOUT);
    }

    /**
     * Parse the form {@link #toString()} gives and cluster files use: {@code online}, {@code listening}, or any
     * other word, a confirmation id.
     *
     * @param text e.g. {@code "ready"}.
     * @return the readiness, with the default timeout.
     */
    public static Readiness parse(final String text)
    {
        return switch (text)
        {
            case "online" -> online();
            case "listening" -> listening();
            default -> confirmation(text);
        };
    }

    /**
     * @param timeout how long a worker has, from its fork, to become ready; more than zero.
     * @return a readiness with this timeout.
     */
    public Readiness timeout(final Duration timeout)
    {
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (timeout.isZero() || timeout.isNegative())
        {
            throw new IllegalArgumentException("readiness timeout must be more than zero, was " + timeout);
        }
        return new Readiness(kind, confirmationId, timeout);
    }

    /**
     * @return what ready means.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * @return the confirmation id for {@link Kind#CONFIRMATION}, else null.
     */
    public String confirmationId()
    {
        return confirmationId;
    }

    /**
     * @return how long a worker has to become ready.
     */
    public Duration timeout()
    {
        return timeout;
    }

    /**
     * @return {@code online}, {@code listening} or the confirmation id.
     */
    @Override
    public String toString()
    {
        return switch (kind)
        {
            case ONLINE -> "online";
            case LISTENING -> "listening";
            case CONFIRMATION -> confirmationId;
        };
    }

    String describe()
    {
        return switch (kind)
        {
            case ONLINE -> "join the cluster";
            case LISTENING -> "announce a listening socket";
            case CONFIRMATION -> "confirm \"" + confirmationId + "\"";
        } + " within " + timeout.toMillis() + " ms";
    }
}
