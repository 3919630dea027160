package io.clustr.bench.calls;

import io.clustr.bench.Args;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;

/**
 * The systems of the call and job workloads, by name: each is a {@link CallTransport} class with a public
 * constructor taking the process's {@link Args} (host, port, ... as the orchestrator passes them).
 */
public final class CallTransports
{
    /**
     * Redis lists (Worker-machine's transport): LPUSH / BRPOP job and reply lists through Jedis.
     */
    public static final String REDIS = "redis";

    /**
     * NATS request-reply with a queue group, through jnats.
     */
    public static final String NATS = "nats";

    /**
     * clustr's own calls and job queues, once they exist (the class is looked up when asked for, so the bench
     * builds without it).
     */
    public static final String CLUSTR = "clustr";

    private static final Map<String, String> CLASSES = Map.of(
        REDIS, "io.clustr.bench.redis.RedisListCalls",
        NATS, "io.clustr.bench.nats.NatsCalls",
        CLUSTR, "io.clustr.bench.clustr.ClustrCalls");

    private CallTransports()
    {
    }

    /**
     * Whether a system's transport class is on the class path.
     *
     * @param system e.g. {@link #REDIS}.
     * @return true when {@link #create(String, Args)} can make it.
     */
    public static boolean available(final String system)
    {
        final String className = CLASSES.get(system);
        if (null == className)
        {
            return false;
        }

        try
        {
            Class.forName(className, false, CallTransports.class.getClassLoader());
            return true;
        }
        catch (final ClassNotFoundException ex)
        {
            return false;
        }
    }

    /**
     * Make the transport of a system.
     *
     * @param system e.g. {@link #REDIS}.
     * @param args   the process's command line.
     * @return the transport.
     * @throws IllegalArgumentException for an unknown system or one whose class is missing.
     */
    public static CallTransport create(final String system, final Args args)
    {
        final String className = CLASSES.get(system);
        if (null == className)
        {
            throw new IllegalArgumentException("unknown --system '" + system + "': use one of " + CLASSES.keySet());
        }

        try
        {
            return (CallTransport)Class.forName(className).getConstructor(Args.class).newInstance(args);
        }
        catch (final ClassNotFoundException ex)
        {
            throw new IllegalArgumentException("--system " + system + ": " + className + " is not on the class path");
        }
        catch (final InvocationTargetException ex)
        {
            final Throwable cause = ex.getCause();
            if (cause instanceof RuntimeException)
            {
                throw (RuntimeException)cause;
            }

            throw new IllegalStateException("--system " + system + ": " + cause, cause);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException("--system " + system + ": cannot make " + className + ": " + ex, ex);
        }
    }
}
