package io.clustr;

import io.clustr.spawn.ChildProcess;
import io.clustr.spawn.ChildState;
import io.clustr.spawn.ExitStatus;
import io.clustr.spawn.Spec;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The master's group operations: rolling restart ({@link Master#reload(String)}) and scaling
 * ({@link Master#scale(String, int)}) of the groups of workers it spawned, and readiness ({@link Readiness}).
 * <p>
 * Operations run one at a time, in the order asked, on one daemon thread ({@code clustr-group-ops}) that waits for
 * the lifecycle events the agent delivers (joins, listening announcements, confirmations, exits): they never block
 * the master's duty cycle. A worker's group is its spec's {@link Node#GROUP_ENV} variable, else the group it joined
 * with; the spec a group is grown with is the one its workers were last spawned from.
 */
final class GroupOperations
{
    private static final long EXIT_MARGIN_MS = 10_000;
    private static final int MAX_EXITED = 1024;

    private final Master master;
    private final SpawnBridge bridge;
    private final long killGraceMs;
    private final Map<Long, ChildEvents> events = new ConcurrentHashMap<>();
    private final Map<String, Spec> groupSpecs = new ConcurrentHashMap<>();
    private final Map<String, Readiness> groupReadiness = new ConcurrentHashMap<>();
    private final Set<String> watchedConfirmations = ConcurrentHashMap.newKeySet();
    private final Object executorLock = new Object();
    private ExecutorService executor;
    private boolean isClosed;

    GroupOperations(final Master master, final SpawnBridge bridge, final long killGraceNs)
    {
        this.master = master;
        this.bridge = bridge;
        this.killGraceMs = TimeUnit.NANOSECONDS.toMillis(killGraceNs);
        bridge.addListener(new Listener());
    }

    void readiness(final String group, final Readiness readiness)
    {
        Channel.validateGroupName(group);
        Objects.requireNonNull(readiness, "readiness must not be null, e.g. Readiness.confirmation(\"ready\")");
        watch(readiness);
        groupReadiness.put(group, readiness);
    }

    Readiness readiness(final String group)
    {
        return groupReadiness.getOrDefault(group, Readiness.online());
    }

    CompletableFuture<WorkerHandle> whenReady(final WorkerHandle worker, final Readiness readiness)
    {
        Objects.requireNonNull(worker, "worker must not be null");
        watch(readiness);
        final CompletableFuture<WorkerHandle> ready = new CompletableFuture<>();
        events(worker.id()).ready(readiness).whenComplete((ignore, ex) ->
        {
            if (null == ex)
            {
                ready.complete(worker);
            }
            else
            {
                ready.completeExceptionally(ex);
            }
        });
        return ready.orTimeout(readiness.timeout().toMillis(), TimeUnit.MILLISECONDS)
            .exceptionallyCompose((ex) -> CompletableFuture.failedFuture(ex instanceof TimeoutException ?
                new ClustrException("worker " + worker.id() + " (" + worker.spec().name() + ") did not " +
                readiness.describe() + ": a failed start") : ex));
    }

    CompletableFuture<List<WorkerHandle>> reload(final String group, final String requestedBy)
    {
        Channel.validateGroupName(group);
        final String operation = "reload " + group;
        return submit(operation, requestedBy, () -> doReload(group));
    }

    CompletableFuture<List<WorkerHandle>> scale(final String group, final int count, final String requestedBy)
    {
        Channel.validateGroupName(group);
        if (count < 0)
        {
            throw new IllegalArgumentException("scale count must be 0 or more, was " + count);
        }
        final String operation = "scale " + group + " " + count;
        return submit(operation, requestedBy, () -> doScale(group, count));
    }

    void close()
    {
        final ExecutorService executor;
        synchronized (executorLock)
        {
            isClosed = true;
            executor = this.executor;
        }
        if (null != executor)
        {
            executor.shutdownNow();
        }
        for (final ChildEvents childEvents : events.values())
        {
            childEvents.fail(new ClustrException("the master has closed"));
        }
    }

    private interface Operation
    {
        List<WorkerHandle> run() throws Exception;
    }

    private CompletableFuture<List<WorkerHandle>> submit(
        final String operation, final String requestedBy, final Operation body)
    {
        final CompletableFuture<List<WorkerHandle>> result = new CompletableFuture<>();
        final ExecutorService executor;
        synchronized (executorLock)
        {
            if (isClosed || master.isClosed())
            {
                throw new ClustrException("the master is closed: no " + operation);
            }
            if (null == this.executor)
            {
                this.executor = Executors.newSingleThreadExecutor((runnable) ->
                {
                    final Thread thread = new Thread(runnable, "clustr-group-ops");
                    thread.setDaemon(true);
                    return thread;
                });
            }
            executor = this.executor;
        }

        executor.execute(() ->
        {
            bridge.notifyOperation((listener) -> listener.onOperationStarted(operation, requestedBy));
            try
            {
                final List<WorkerHandle> workers = body.run();
                final String outcome = describe(operation, workers);
                bridge.notifyOperation((listener) -> listener.onOperationDone(operation, requestedBy, true, outcome));
                result.complete(workers);
            }
            catch (final Throwable ex)
            {
                final Throwable cause = ex instanceof InterruptedException ?
                    new ClustrException("the master has closed", ex) :
                    ex instanceof ExecutionException && null != ex.getCause() ? ex.getCause() : ex;
                final String outcome = operation + " failed: " + cause.getMessage();
                bridge.notifyOperation((listener) -> listener.onOperationDone(operation, requestedBy, false, outcome));
                result.completeExceptionally(cause instanceof ClustrException ? cause :
                    new ClustrException(outcome, cause));
            }
        });

        return result;
    }

    private static String describe(final String operation, final List<WorkerHandle> workers)
    {
        final List<Long> ids = new ArrayList<>();
        workers.forEach((worker) -> ids.add(worker.id()));
        return operation + ": done" + (ids.isEmpty() ? "" : ", new workers " + ids);
    }

    /**
     * Replace each worker of the group, oldest first: spawn the replacement, wait until it is ready, then stop the old
     * one and wait for its exit. A replacement that is not ready in time is stopped and the operation fails with the
     * old worker still running.
     */
    private List<WorkerHandle> doReload(final String group) throws Exception
    {
        final List<ChildProcess> old = members(group);
        if (old.isEmpty())
        {
            throw new ClustrException("no running worker of group '" + group + "' spawned by this master; its " +
                "groups: " + groups());
        }

        final Readiness readiness = readiness(group);
        final List<WorkerHandle> replacements = new ArrayList<>();
        for (final ChildProcess previous : old)
        {
            if (previous.state() == ChildState.EXITED)
            {
                continue;
            }
            final WorkerHandle replacement = startReady(previous.spec(), group, readiness,
                "replacement of worker " + previous.id() + " (" + replacements.size() + " of " + old.size() +
                " replaced; the old workers keep running)");
            replacements.add(replacement);
            stop(previous);
        }

        return replacements;
    }

    private List<WorkerHandle> doScale(final String group, final int count) throws Exception
    {
        final List<ChildProcess> current = members(group);
        final List<WorkerHandle> added = new ArrayList<>();
        if (current.size() < count)
        {
            final Spec spec = groupSpecs.get(group);
            if (null == spec)
            {
                throw new ClustrException("this master has never spawned a worker of group '" + group +
                    "', so it has no spec to start one from; its groups: " + groups());
            }
            final Readiness readiness = readiness(group);
            final List<WorkerHandle> started = new ArrayList<>();
            for (int i = current.size(); i < count; i++)
            {
                started.add(bridge.spawn(List.of(spec)).get(0));
            }
            for (final WorkerHandle worker : started)
            {
                try
                {
                    awaitReady(worker, readiness);
                    added.add(worker);
                }
                catch (final ClustrException ex)
                {
                    for (final WorkerHandle each : started)
                    {
                        if (!added.contains(each))
                        {
                            bridge.retire(each.id());
                        }
                    }
                    throw new ClustrException(ex.getMessage() + "; stopped the " + (started.size() - added.size()) +
                        " workers not ready, group '" + group + "' has " + (current.size() + added.size()));
                }
            }
        }
        else
        {
            // newest first
            for (int i = current.size() - 1; i >= count; i--)
            {
                stop(current.get(i));
            }
        }

        return added;
    }

    private WorkerHandle startReady(final Spec spec, final String group, final Readiness readiness, final String what)
        throws InterruptedException
    {
        final WorkerHandle worker = bridge.spawn(List.of(spec)).get(0);
        groupSpecs.put(group, spec);
        try
        {
            awaitReady(worker, readiness);
            return worker;
        }
        catch (final ClustrException ex)
        {
            bridge.retire(worker.id());
            awaitExit(worker.id());
            throw new ClustrException(ex.getMessage() + ": stopped it; " + what);
        }
    }

    private void awaitReady(final WorkerHandle worker, final Readiness readiness) throws InterruptedException
    {
        try
        {
            events(worker.id()).ready(readiness).get(readiness.timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new ClustrException("worker " + worker.id() + " (" + worker.spec().name() + ", pid " +
                worker.pid() + ") did not " + readiness.describe() + ": a failed start");
        }
        catch (final ExecutionException ex)
        {
            throw new ClustrException("worker " + worker.id() + " (" + worker.spec().name() + ") failed to start: " +
                ex.getCause().getMessage());
        }
    }

    private void stop(final ChildProcess child) throws InterruptedException
    {
        bridge.retire(child.id());
        awaitExit(child.id());
    }

    private void awaitExit(final long id) throws InterruptedException
    {
        final ChildProcess child = bridge.child(id);
        if (null == child || child.id() != id || child.state() == ChildState.EXITED)
        {
            return;
        }
        try
        {
            events(id).exit.get(killGraceMs + EXIT_MARGIN_MS, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new ClustrException("worker " + id + " (pid " + child.pid() + ") has not exited " +
                (killGraceMs + EXIT_MARGIN_MS) + " ms after it was asked to");
        }
        catch (final ExecutionException ex)
        {
            // the master closed: it stops every worker anyway
        }
    }

    /**
     * The group's live workers spawned by this master, oldest (lowest id) first.
     */
    private List<ChildProcess> members(final String group)
    {
        final Map<Long, String> joined = joinedGroups();
        final List<ChildProcess> members = new ArrayList<>();
        for (final ChildProcess child : bridge.children())
        {
            if (child.state() != ChildState.EXITED && child.state() != ChildState.STOPPING &&
                group.equals(groupOf(child, joined)))
            {
                members.add(child);
                groupSpecs.putIfAbsent(group, child.spec());
            }
        }
        members.sort(Comparator.comparingLong(ChildProcess::id));
        return members;
    }

    private Set<String> groups()
    {
        final Map<Long, String> joined = joinedGroups();
        final Set<String> groups = new TreeSet<>(groupSpecs.keySet());
        for (final ChildProcess child : bridge.children())
        {
            final String group = groupOf(child, joined);
            if (null != group)
            {
                groups.add(group);
            }
        }
        return groups;
    }

    private Map<Long, String> joinedGroups()
    {
        final Map<Long, String> joined = new HashMap<>();
        for (final WorkerInfo worker : master.workers())
        {
            if (!worker.group().isEmpty())
            {
                joined.put(worker.id(), worker.group());
            }
        }
        return joined;
    }

    private static String groupOf(final ChildProcess child, final Map<Long, String> joined)
    {
        final String fromSpec = child.spec().env().get(Node.GROUP_ENV);
        return null != fromSpec ? fromSpec : joined.get(child.id());
    }

    private void watch(final Readiness readiness)
    {
        if (readiness.kind() == Readiness.Kind.CONFIRMATION && watchedConfirmations.add(readiness.confirmationId()))
        {
            master.onConfirmation(1, readiness.confirmationId(), (confirmations) ->
            {
                for (final Confirmation confirmation : confirmations)
                {
                    final ChildEvents childEvents = events.get(confirmation.senderId());
                    if (null != childEvents)
                    {
                        childEvents.confirmed(readiness.confirmationId());
                    }
                }
            });
        }
    }

    private ChildEvents events(final long id)
    {
        return events.computeIfAbsent(id, (key) -> new ChildEvents());
    }

    /**
     * What has happened to one child so far: futures completed by the agent, waited on by the operations thread.
     */
    private static final class ChildEvents
    {
        final CompletableFuture<Void> online = new CompletableFuture<>();
        final CompletableFuture<Void> listening = new CompletableFuture<>();
        final Map<String, CompletableFuture<Void>> confirmed = new ConcurrentHashMap<>();
        final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

        CompletableFuture<Void> ready(final Readiness readiness)
        {
            return switch (readiness.kind())
            {
                case ONLINE -> online;
                case LISTENING -> listening;
                case CONFIRMATION -> confirmation(readiness.confirmationId());
            };
        }

        CompletableFuture<Void> confirmation(final String id)
        {
            final CompletableFuture<Void> future = confirmed.computeIfAbsent(id, (key) -> new CompletableFuture<>());
            if (exit.isDone() && !future.isDone())
            {
                future.completeExceptionally(new ClustrException("it exited before it was ready: " +
                    exit.getNow(null).reason()));
            }
            return future;
        }

        void confirmed(final String id)
        {
            confirmed.computeIfAbsent(id, (key) -> new CompletableFuture<>()).complete(null);
        }

        void exited(final ExitStatus status)
        {
            final ClustrException ex = new ClustrException("it exited before it was ready: " + status.reason());
            online.completeExceptionally(ex);
            listening.completeExceptionally(ex);
            confirmed.values().forEach((future) -> future.completeExceptionally(ex));
            exit.complete(status);
        }

        void fail(final ClustrException ex)
        {
            online.completeExceptionally(ex);
            listening.completeExceptionally(ex);
            confirmed.values().forEach((future) -> future.completeExceptionally(ex));
            exit.completeExceptionally(ex);
        }
    }

    /**
     * Lifecycle events on the agent: they complete the children's futures.
     */
    private final class Listener implements LifecycleListener
    {
        @Override
        public void onFork(final WorkerHandle worker)
        {
            events(worker.id());
            final String group = worker.spec().env().get(Node.GROUP_ENV);
            if (null != group)
            {
                groupSpecs.put(group, worker.spec());
            }
        }

        @Override
        public void onOnline(final WorkerHandle worker)
        {
            events(worker.id()).online.complete(null);
            if (null == worker.spec().env().get(Node.GROUP_ENV))
            {
                final String group = joinedGroups().get(worker.id());
                if (null != group)
                {
                    groupSpecs.put(group, worker.spec());
                }
            }
        }

        @Override
        public void onListening(final WorkerHandle worker, final InetSocketAddress address)
        {
            events(worker.id()).listening.complete(null);
        }

        @Override
        public void onExit(final WorkerHandle worker, final ExitStatus status, final boolean respawning)
        {
            events(worker.id()).exited(status);
            if (events.size() > MAX_EXITED)
            {
                events.values().removeIf((childEvents) -> childEvents.exit.isDone());
            }
        }
    }
}
