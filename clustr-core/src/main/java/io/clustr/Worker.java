package io.clustr;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.exceptions.ConfigurationException;
import io.clustr.spawn.CpuSet;
import io.clustr.spawn.SpawnEnvironment;
import org.agrona.CloseHelper;

import java.util.Map;
import java.util.Objects;

/**
 * A worker of a cluster: a process in a named group that receives public messages, its group's messages and its
 * private messages.
 * <pre>{@code
 * Worker worker = Worker.create(group("web"))
 *     .onPublic(msg -> System.out.println("public " + msg.text()))
 *     .onGroup(msg -> ...)
 *     .onPrivate(msg -> ...);
 * worker.confirm("ready");
 * }</pre>
 * A worker spawned by a node learns everything else from its environment ({@code CLUSTR_*} variables: driver
 * directory, id, parent, CPUs); one started by hand attaches to the driver named by {@code -Daeron.dir} or its
 * context. {@link #create(WorkerOption...)} returns once the master has acknowledged the join, so a confirmation
 * sent right after it is never lost. The worker's thread keeps the JVM alive until it is closed or killed; a spawned
 * worker exits by itself when its parent process dies (with code 0) or its media driver goes away (with code 1).
 */
public final class Worker extends Node
{
    private Worker(final Context ctx, final Aeron aeron, final long id)
    {
        super(ctx, aeron, id, ctx.group(), ctx.parentPid());
    }

    /**
     * Create a worker with options and join the cluster.
     *
     * @param options at least {@code group(name)}; see {@link Options}.
     * @return the joined worker.
     * @throws ConfigurationException  if the group is missing or invalid (or another setting is).
     * @throws ClustrException          if no driver runs in the directory, or no master acknowledges the join
     *                                  within the join timeout.
     */
    public static Worker create(final WorkerOption... options)
    {
        final Context ctx = new Context();
        for (final WorkerOption option : options)
        {
            Objects.requireNonNull(option, "worker option must not be null").applyTo(ctx);
        }

        return launch(ctx);
    }

    /**
     * Create a worker from a context and join the cluster. The worker owns the context from now on.
     *
     * @param ctx the configuration.
     * @return the joined worker.
     */
    public static Worker launch(final Context ctx)
    {
        final Worker worker;
        try
        {
            ctx.conclude();
            final Aeron aeron = NodeClient.connect(ctx);
            final long id = checkWorkerId(ctx.id() >= 0 ? ctx.id() : aeron.nextCorrelationId());

            worker = new Worker(ctx, aeron, id);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(ctx::close);
            throw ex;
        }

        worker.awaitJoined(ctx.joinTimeoutNs());
        return worker;
    }

    /**
     * Add a handler for messages published to this worker's group, {@code Channel.group(group())}. The worker
     * subscribes to its group's stream with its first group handler, once this call returns.
     *
     * @param handler to add; each is called once per message.
     * @return this worker.
     */
    public Worker onGroup(final MessageHandler handler)
    {
        addGroupHandler(handler);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Worker onPublic(final MessageHandler handler)
    {
        super.onPublic(handler);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Worker onPrivate(final MessageHandler handler)
    {
        super.onPrivate(handler);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Worker onKill(final KillHandler handler)
    {
        super.onKill(handler);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Worker onMissed(final MissedListener listener)
    {
        super.onMissed(listener);
        return this;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Worker onLifecycle(final LifecycleListener listener)
    {
        super.onLifecycle(listener);
        return this;
    }

    /**
     * Configuration of a {@link Worker}: see {@link Node.Context} for what all nodes share. Values not set here
     * come from the {@code CLUSTR_*} environment a spawning node gives its children, then from system properties.
     */
    public static final class Context extends Node.Context<Context>
    {
        private String group;
        private long id = -1;
        private long parentId = -1;
        private long parentPid = -1;
        private int restarts;
        private Boolean exitOnOrphan;

        /**
         * A context with defaults from the environment and system properties.
         */
        public Context()
        {
        }

        @Override
        void concludeNode()
        {
            final Map<String, String> env = environment();
            if (null == group && null != env.get(GROUP_ENV) && !env.get(GROUP_ENV).isBlank())
            {
                group = env.get(GROUP_ENV);
            }
            if (null == group)
            {
                throw new ConfigurationException("a worker needs a group: create it with " +
                    "Worker.create(Options.group(\"web\")), or set the environment variable " + GROUP_ENV);
            }
            try
            {
                Channel.validateGroupName(group);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ConfigurationException(ex.getMessage());
            }

            if (null == aeronDirectoryName())
            {
                final String fromEnv = env.get(AERON_DIR_ENV);
                if (null != fromEnv && !fromEnv.isBlank())
                {
                    aeronDirectoryName(fromEnv);
                    aeronDirectorySource("the environment variable " + AERON_DIR_ENV);
                }
                else
                {
                    aeronDirectoryName(CommonContext.getAeronDirectoryName());
                    aeronDirectorySource(null != System.getProperty(CommonContext.AERON_DIR_PROP_NAME) ?
                        "-D" + CommonContext.AERON_DIR_PROP_NAME + " (" + AERON_DIR_ENV + " is not set)" :
                        "Aeron's default directory (neither Options.aeronDirectory, " + AERON_DIR_ENV + " nor -D" +
                        CommonContext.AERON_DIR_PROP_NAME + " is set)");
                }
            }
            else
            {
                aeronDirectorySource("Options.aeronDirectory");
            }
            if (termLength() < 0 && null != env.get(TERM_LENGTH_ENV))
            {
                termLength(parseInt(env, TERM_LENGTH_ENV));
            }
            if (id < 0 && null != env.get(SpawnEnvironment.ID))
            {
                id = parseLong(env, SpawnEnvironment.ID);
            }
            if (parentId < 0 && null != env.get(SpawnEnvironment.PARENT_ID))
            {
                parentId = parseLong(env, SpawnEnvironment.PARENT_ID);
            }
            if (parentPid < 0 && null != env.get(SpawnEnvironment.PARENT_PID))
            {
                parentPid = parseLong(env, SpawnEnvironment.PARENT_PID);
            }
            if (null != env.get(SpawnEnvironment.RESTARTS))
            {
                restarts = parseInt(env, SpawnEnvironment.RESTARTS);
            }
            if (null == cpus() && null != env.get(SpawnEnvironment.CPUS) && !env.get(SpawnEnvironment.CPUS).isBlank())
            {
                cpus(CpuSet.parse(env.get(SpawnEnvironment.CPUS)));
            }
            if (null == name())
            {
                final String fromEnv = env.get(SpawnEnvironment.NAME);
                name(null != fromEnv && !fromEnv.isBlank() ? fromEnv : group);
            }
            if (null == exitOnOrphan)
            {
                exitOnOrphan = parentPid > 0;
            }
        }

        private static long parseLong(final Map<String, String> env, final String name)
        {
            try
            {
                return Long.parseLong(env.get(name).trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new ConfigurationException(
                    "environment variable " + name + "=" + env.get(name) + " is not a number");
            }
        }

        private static int parseInt(final Map<String, String> env, final String name)
        {
            final long value = parseLong(env, name);
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)
            {
                throw new ConfigurationException("environment variable " + name + "=" + value + " is out of range");
            }

            return (int)value;
        }

        /**
         * @param group the worker's group.
         * @return this context.
         */
        public Context group(final String group)
        {
            this.group = group;
            return this;
        }

        /**
         * @return the worker's group.
         */
        public String group()
        {
            return group;
        }

        /**
         * @param id the worker's id; by default the spawner's choice ({@code CLUSTR_ID}), or a fresh unique id.
         * @return this context.
         */
        public Context id(final long id)
        {
            this.id = id;
            return this;
        }

        /**
         * @return the worker's id, or -1 to take a fresh one.
         */
        public long id()
        {
            return id;
        }

        /**
         * @param parentPid pid of the parent process to watch: the worker exits when it dies.
         * @return this context.
         */
        public Context parentPid(final long parentPid)
        {
            this.parentPid = parentPid;
            return this;
        }

        /**
         * @return pid of the parent process to watch, or -1.
         */
        public long parentPid()
        {
            return parentPid;
        }

        /**
         * @param exitOnOrphan whether the process exits when its parent or driver goes away (default: true when
         *                     spawned by a node), rather than just closing the worker.
         * @return this context.
         */
        public Context exitOnOrphan(final boolean exitOnOrphan)
        {
            this.exitOnOrphan = exitOnOrphan;
            return this;
        }

        long parentId()
        {
            return parentId;
        }

        int restarts()
        {
            return restarts;
        }

        boolean exitOnOrphan()
        {
            return null != exitOnOrphan && exitOnOrphan;
        }
    }
}
