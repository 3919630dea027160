package io.clustr;

import io.aeron.Aeron;
import io.aeron.exceptions.ConcurrentConcludeException;
import io.aeron.exceptions.ConfigurationException;
import io.clustr.spawn.CpuSet;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.IdleStrategy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.function.IntConsumer;

/**
 * What {@link Master.Context} and {@link Worker.Context} share (through {@link Node.Context}), Aeron style: fields
 * start from {@link Configuration} (system properties), fluent setters override them, and {@link #conclude()} checks
 * them once before the node starts. A context belongs to the node it launched, which closes it: do not reuse it.
 *
 * @param <C> the concrete context type, for fluent setters.
 */
public abstract class NodeContext<C extends NodeContext<C>> implements Cloneable
{
    private volatile boolean isConcluded;
    private String aeronDirectoryName;
    private String aeronDirectorySource;
    private int termLength = -1;
    private IdleStrategy idleStrategy;
    private ErrorHandler errorHandler;
    private long publishTimeoutNs = Configuration.publishTimeoutNs();
    private long handlerPublishTimeoutNs = Configuration.handlerPublishTimeoutNs();
    private long joinTimeoutNs = Configuration.joinTimeoutNs();
    private long killGraceNs = Configuration.killGraceNs();
    private int fragmentLimit = Configuration.fragmentLimit();
    private int controlStreamId = Configuration.controlStreamId();
    private int publicStreamId = Configuration.publicStreamId();
    private int confirmationStreamId = Configuration.confirmationStreamId();
    private int privatePublicationCache = Configuration.privatePublicationCache();
    private long untetheredWindowLimitTimeoutNs = Configuration.untetheredWindowLimitTimeoutNs();
    private long untetheredLingerTimeoutNs = Configuration.untetheredLingerTimeoutNs();
    private Set<Channel.Kind> tetheredStreams;
    private CpuSet cpus;
    private String name;
    private boolean registerShutdownHook = true;
    private Map<String, String> environment = System.getenv();
    private Aeron aeron;
    private boolean ownsAeronClient;
    private ThreadFactory threadFactory;
    private boolean useAgentInvoker;
    private IntConsumer processExit = System::exit;
    private ErrorRelay errorRelay;

    NodeContext()
    {
        JvmFlags.check();
    }

    @SuppressWarnings("unchecked")
    final C self()
    {
        return (C)this;
    }

    /**
     * Check and complete the configuration. Called by the node's launch; call it yourself only to validate.
     *
     * @return this context.
     * @throws ConcurrentConcludeException if called twice.
     * @throws ConfigurationException      naming a value that is missing or out of range, and what to do.
     */
    public C conclude()
    {
        synchronized (this)
        {
            if (isConcluded)
            {
                throw new ConcurrentConcludeException();
            }
            isConcluded = true;
        }

        concludeNode();

        if (termLength < 0)
        {
            termLength = Configuration.termLength();
        }
        if (termLength < 64 * 1024 || termLength > 1024 * 1024 * 1024 || Integer.bitCount(termLength) != 1)
        {
            throw new ConfigurationException("term length " + termLength +
                " is invalid: use a power of two from 64k to 1g (" + Configuration.TERM_LENGTH_PROP_NAME + ")");
        }
        if (null == idleStrategy)
        {
            idleStrategy = Configuration.idleStrategy();
        }
        if (null == errorHandler)
        {
            final String label = null == name ? "clustr" : "clustr " + name;
            errorHandler = (throwable) ->
                NodeLog.logger().log(System.Logger.Level.ERROR, label + " error: " + throwable, throwable);
        }
        if (null == cpus)
        {
            cpus = CpuSet.EMPTY;
        }
        if (null == threadFactory)
        {
            threadFactory = Thread::new;
        }
        errorRelay = new ErrorRelay(errorHandler);
        if (fragmentLimit < 1)
        {
            throw new ConfigurationException("fragment limit must be at least 1, was " + fragmentLimit + " (" +
                Configuration.FRAGMENT_LIMIT_PROP_NAME + ")");
        }
        if (publishTimeoutNs < 0 || handlerPublishTimeoutNs < 0 || joinTimeoutNs <= 0 || killGraceNs < 0)
        {
            throw new ConfigurationException("timeouts must not be negative: publish=" + publishTimeoutNs +
                "ns handler publish=" + handlerPublishTimeoutNs + "ns join=" + joinTimeoutNs + "ns kill grace=" +
                killGraceNs + "ns");
        }
        if (null == tetheredStreams)
        {
            tetheredStreams = Configuration.tetheredStreams();
        }
        if (untetheredWindowLimitTimeoutNs <= 0 || untetheredLingerTimeoutNs <= 0)
        {
            throw new ConfigurationException("untethered timeouts must be positive: window limit=" +
                untetheredWindowLimitTimeoutNs + "ns (" + Configuration.UNTETHERED_WINDOW_LIMIT_TIMEOUT_PROP_NAME +
                ") linger=" + untetheredLingerTimeoutNs + "ns (" + Configuration.UNTETHERED_LINGER_TIMEOUT_PROP_NAME +
                ")");
        }

        return self();
    }

    abstract void concludeNode();

    /**
     * Close what the context owns: the Aeron client, if {@link #ownsAeronClient()}. The node calls it when it
     * closes, after its agent has stopped.
     */
    public void close()
    {
        if (ownsAeronClient)
        {
            CloseHelper.close(aeron);
        }
    }

    /**
     * @param aeron client for the node to use instead of connecting its own; the node invokes its conductor
     *              when the client was built with {@code useConductorAgentInvoker(true)}.
     * @return this context.
     */
    public C aeron(final Aeron aeron)
    {
        this.aeron = aeron;
        return self();
    }

    /**
     * @return the Aeron client the node uses; set by the node once it connects its own.
     */
    public Aeron aeron()
    {
        return aeron;
    }

    /**
     * @param ownsAeronClient whether closing the node closes {@link #aeron()} (true when the node connected it).
     * @return this context.
     */
    public C ownsAeronClient(final boolean ownsAeronClient)
    {
        this.ownsAeronClient = ownsAeronClient;
        return self();
    }

    /**
     * @return whether closing the node closes {@link #aeron()}.
     */
    public boolean ownsAeronClient()
    {
        return ownsAeronClient;
    }

    /**
     * @param threadFactory makes the node's duty-cycle thread (the node names it and pins it to its CPU inside).
     * @return this context.
     */
    public C threadFactory(final ThreadFactory threadFactory)
    {
        this.threadFactory = threadFactory;
        return self();
    }

    /**
     * @return makes the node's duty-cycle thread; {@code Thread::new} by default (a non-daemon thread).
     */
    public ThreadFactory threadFactory()
    {
        return threadFactory;
    }

    /**
     * @param useAgentInvoker true to start no thread: the caller drives the node through
     *                        {@link Node#agentInvoker()} (and a worker's launch returns before it has joined).
     * @return this context.
     */
    public C useAgentInvoker(final boolean useAgentInvoker)
    {
        this.useAgentInvoker = useAgentInvoker;
        return self();
    }

    /**
     * @return true if the caller drives the node through {@link Node#agentInvoker()}.
     */
    public boolean useAgentInvoker()
    {
        return useAgentInvoker;
    }

    /**
     * For tests: what a killed node does last instead of {@code System.exit(code)}.
     */
    C processExit(final IntConsumer processExit)
    {
        this.processExit = processExit;
        return self();
    }

    IntConsumer processExit()
    {
        return processExit;
    }

    ErrorRelay errorRelay()
    {
        return errorRelay;
    }

    final boolean isConcluded()
    {
        return isConcluded;
    }

    /**
     * @param aeronDirectoryName the media driver directory.
     * @return this context.
     */
    public C aeronDirectoryName(final String aeronDirectoryName)
    {
        this.aeronDirectoryName = aeronDirectoryName;
        return self();
    }

    /**
     * @return the media driver directory.
     */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * How the directory was chosen, for messages (e.g. "the environment variable CLUSTR_AERON_DIR").
     */
    void aeronDirectorySource(final String aeronDirectorySource)
    {
        this.aeronDirectorySource = aeronDirectorySource;
    }

    String aeronDirectorySource()
    {
        return null == aeronDirectorySource ? "Options.aeronDirectory" : aeronDirectorySource;
    }

    /**
     * @param termLength term length of the cluster's IPC logs.
     * @return this context.
     * @see Configuration#TERM_LENGTH_PROP_NAME
     */
    public C termLength(final int termLength)
    {
        this.termLength = termLength;
        return self();
    }

    /**
     * @return term length of the cluster's IPC logs.
     */
    public int termLength()
    {
        return termLength;
    }

    /**
     * @param idleStrategy of the duty-cycle thread.
     * @return this context.
     * @see Configuration#IDLE_STRATEGY_PROP_NAME
     */
    public C idleStrategy(final IdleStrategy idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return self();
    }

    /**
     * @return idle strategy of the duty-cycle thread.
     */
    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * @param errorHandler where errors are reported (they are also counted); default: logged with their stack
     *                     trace at {@code ERROR} through the {@link System.Logger} {@code io.clustr.Node}.
     * @return this context.
     */
    public C errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return self();
    }

    /**
     * @return where errors are reported.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * @param publishTimeoutNs how long a blocking publish waits.
     * @return this context.
     * @see Configuration#PUBLISH_TIMEOUT_PROP_NAME
     */
    public C publishTimeoutNs(final long publishTimeoutNs)
    {
        this.publishTimeoutNs = publishTimeoutNs;
        return self();
    }

    /**
     * @return how long a blocking publish waits.
     */
    public long publishTimeoutNs()
    {
        return publishTimeoutNs;
    }

    /**
     * @param handlerPublishTimeoutNs how long a publish on the node's duty-cycle thread (inside a handler) waits for
     *                                back-pressure to clear before it throws {@link BackPressureException}.
     * @return this context.
     * @see Configuration#HANDLER_PUBLISH_TIMEOUT_PROP_NAME
     */
    public C handlerPublishTimeoutNs(final long handlerPublishTimeoutNs)
    {
        this.handlerPublishTimeoutNs = handlerPublishTimeoutNs;
        return self();
    }

    /**
     * @return how long a publish on the node's duty-cycle thread waits for back-pressure to clear.
     */
    public long handlerPublishTimeoutNs()
    {
        return handlerPublishTimeoutNs;
    }

    /**
     * @param joinTimeoutNs how long a worker waits for the master to acknowledge its join.
     * @return this context.
     * @see Configuration#JOIN_TIMEOUT_PROP_NAME
     */
    public C joinTimeoutNs(final long joinTimeoutNs)
    {
        this.joinTimeoutNs = joinTimeoutNs;
        return self();
    }

    /**
     * @return how long a worker waits for the master to acknowledge its join.
     */
    public long joinTimeoutNs()
    {
        return joinTimeoutNs;
    }

    /**
     * @param killGraceNs how long a killed worker may take before it is killed forcibly.
     * @return this context.
     * @see Configuration#KILL_GRACE_PROP_NAME
     */
    public C killGraceNs(final long killGraceNs)
    {
        this.killGraceNs = killGraceNs;
        return self();
    }

    /**
     * @return how long a killed worker may take before it is killed forcibly.
     */
    public long killGraceNs()
    {
        return killGraceNs;
    }

    /**
     * @param fragmentLimit most messages taken from one stream per duty cycle.
     * @return this context.
     * @see Configuration#FRAGMENT_LIMIT_PROP_NAME
     */
    public C fragmentLimit(final int fragmentLimit)
    {
        this.fragmentLimit = fragmentLimit;
        return self();
    }

    /**
     * @return most messages taken from one stream per duty cycle.
     */
    public int fragmentLimit()
    {
        return fragmentLimit;
    }

    /**
     * @param controlStreamId stream id of the control stream.
     * @return this context.
     */
    public C controlStreamId(final int controlStreamId)
    {
        this.controlStreamId = controlStreamId;
        return self();
    }

    /**
     * @return stream id of the control stream.
     */
    public int controlStreamId()
    {
        return controlStreamId;
    }

    /**
     * @param publicStreamId stream id of the public stream.
     * @return this context.
     */
    public C publicStreamId(final int publicStreamId)
    {
        this.publicStreamId = publicStreamId;
        return self();
    }

    /**
     * @return stream id of the public stream.
     */
    public int publicStreamId()
    {
        return publicStreamId;
    }

    /**
     * @param confirmationStreamId stream id of the confirmation stream.
     * @return this context.
     */
    public C confirmationStreamId(final int confirmationStreamId)
    {
        this.confirmationStreamId = confirmationStreamId;
        return self();
    }

    /**
     * @return stream id of the confirmation stream.
     */
    public int confirmationStreamId()
    {
        return confirmationStreamId;
    }

    /**
     * @param privatePublicationCache most private-stream publications kept open.
     * @return this context.
     */
    public C privatePublicationCache(final int privatePublicationCache)
    {
        this.privatePublicationCache = privatePublicationCache;
        return self();
    }

    /**
     * @return most private-stream publications kept open.
     */
    public int privatePublicationCache()
    {
        return privatePublicationCache;
    }

    /**
     * @param untetheredWindowLimitTimeoutNs how long a subscriber of the public or a group stream may lag more than
     *                                       three quarters of the window behind before it is cut loose.
     * @return this context.
     * @see Configuration#UNTETHERED_WINDOW_LIMIT_TIMEOUT_PROP_NAME
     */
    public C untetheredWindowLimitTimeoutNs(final long untetheredWindowLimitTimeoutNs)
    {
        this.untetheredWindowLimitTimeoutNs = untetheredWindowLimitTimeoutNs;
        return self();
    }

    /**
     * @return how long a subscriber of the public or a group stream may lag before it is cut loose.
     */
    public long untetheredWindowLimitTimeoutNs()
    {
        return untetheredWindowLimitTimeoutNs;
    }

    /**
     * Subscribe to these streams tethered: the node is never cut loose from them, and their publishers and other
     * subscribers wait for it instead (see {@link Configuration#TETHERED_STREAMS_PROP_NAME}).
     *
     * @param kinds {@link Channel.Kind#PUBLIC}, {@link Channel.Kind#GROUP}, both or none (neither, whatever the
     *              property says).
     * @return this context.
     * @throws IllegalArgumentException for another kind: the private and confirmation streams always are tethered.
     */
    public C tetheredStreams(final Channel.Kind... kinds)
    {
        this.tetheredStreams = tetherable(kinds);
        return self();
    }

    static Set<Channel.Kind> tetherable(final Channel.Kind... kinds)
    {
        final Set<Channel.Kind> set = EnumSet.noneOf(Channel.Kind.class);
        for (final Channel.Kind kind : kinds)
        {
            if (Channel.Kind.PUBLIC != Objects.requireNonNull(kind, "stream kind") && Channel.Kind.GROUP != kind)
            {
                throw new IllegalArgumentException("only the public and group streams can be tethered, not " + kind +
                    ": the private and confirmation streams always are");
            }
            set.add(kind);
        }

        return set;
    }

    /**
     * @param kind of stream.
     * @return whether this node subscribes to that stream tethered (the private and confirmation streams always).
     */
    public boolean isTethered(final Channel.Kind kind)
    {
        if (Channel.Kind.PUBLIC != kind && Channel.Kind.GROUP != kind)
        {
            return true;
        }
        final Set<Channel.Kind> streams = null == tetheredStreams ? Configuration.tetheredStreams() : tetheredStreams;
        return streams.contains(kind);
    }

    /**
     * @param untetheredLingerTimeoutNs how long a cut-loose subscriber lingers before the stream stops waiting for it.
     * @return this context.
     * @see Configuration#UNTETHERED_LINGER_TIMEOUT_PROP_NAME
     */
    public C untetheredLingerTimeoutNs(final long untetheredLingerTimeoutNs)
    {
        this.untetheredLingerTimeoutNs = untetheredLingerTimeoutNs;
        return self();
    }

    /**
     * @return how long a cut-loose subscriber lingers before the stream stops waiting for it.
     */
    public long untetheredLingerTimeoutNs()
    {
        return untetheredLingerTimeoutNs;
    }

    /**
     * @param cpus CPUs for the duty-cycle thread: it takes an affinity lock on the first.
     * @return this context.
     */
    public C cpus(final CpuSet cpus)
    {
        this.cpus = cpus;
        return self();
    }

    /**
     * @return CPUs for the duty-cycle thread.
     */
    public CpuSet cpus()
    {
        return cpus;
    }

    /**
     * @param name of the node, for logs and the cluster view.
     * @return this context.
     */
    public C name(final String name)
    {
        this.name = name;
        return self();
    }

    /**
     * @return name of the node.
     */
    public String name()
    {
        return name;
    }

    /**
     * @param registerShutdownHook whether the node closes itself when the JVM shuts down (default true).
     * @return this context.
     */
    public C registerShutdownHook(final boolean registerShutdownHook)
    {
        this.registerShutdownHook = registerShutdownHook;
        return self();
    }

    /**
     * @return whether the node closes itself when the JVM shuts down.
     */
    public boolean registerShutdownHook()
    {
        return registerShutdownHook;
    }

    /**
     * @param environment the process environment to read {@code CLUSTR_*} variables from (for tests).
     * @return this context.
     */
    public C environment(final Map<String, String> environment)
    {
        this.environment = environment;
        return self();
    }

    /**
     * @return the process environment the context reads.
     */
    public Map<String, String> environment()
    {
        return environment;
    }

    long parentId()
    {
        return -1;
    }

    int restarts()
    {
        return 0;
    }

    boolean exitOnOrphan()
    {
        return false;
    }

    /**
     * @return a shallow copy, for tests that launch several nodes from one configuration.
     */
    @SuppressWarnings("unchecked")
    public C clone()
    {
        try
        {
            final NodeContext<C> copy = (NodeContext<C>)super.clone();
            copy.isConcluded = false;
            copy.aeron = null;
            copy.ownsAeronClient = false;
            copy.errorRelay = null;
            return (C)copy;
        }
        catch (final CloneNotSupportedException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
