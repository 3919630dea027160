package io.clustr;

import io.clustr.spawn.ExitStatus;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a node ends: {@link #close(int)} from any thread, the JVM shutdown hook, and the exit of a killed or orphaned
 * node. The order is always the same: children stopped, the Leave sent by the agent, the agent stopped, and only
 * then the node's resources released, so nothing ever touches an unmapped log. Every wait is bounded; when the agent
 * is stuck in a handler past the bound, close returns and the agent's thread releases the resources itself once the
 * handler returns.
 */
final class NodeTermination
{
    static final long AGENT_STOP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    static final long AGENT_STOP_IN_SHUTDOWN_NS = TimeUnit.MILLISECONDS.toNanos(500);
    static final long SHUTDOWN_MARGIN_NS = TimeUnit.SECONDS.toNanos(2);

    private final Node node;
    private final Node.Context<?> ctx;
    private final NodeAgent agent;
    private final AgentRunner runner;
    private final AgentInvoker invoker;
    private final SpawnBridge spawnBridge;
    private final List<KillHandler> killHandlers;
    private final ErrorHandler errorHandler;
    private final AtomicBoolean isClosed;
    private final AtomicBoolean isExiting = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Thread shutdownHook;
    private volatile boolean isShuttingDown;
    private volatile boolean isReleaseDeferred;
    private volatile Runnable exitAfterStop;

    NodeTermination(
        final Node node,
        final Node.Context<?> ctx,
        final NodeAgent agent,
        final AgentRunner runner,
        final AgentInvoker invoker,
        final SpawnBridge spawnBridge,
        final List<KillHandler> killHandlers,
        final ErrorHandler errorHandler,
        final AtomicBoolean isClosed)
    {
        this.node = node;
        this.ctx = ctx;
        this.agent = agent;
        this.runner = runner;
        this.invoker = invoker;
        this.spawnBridge = spawnBridge;
        this.killHandlers = killHandlers;
        this.errorHandler = errorHandler;
        this.isClosed = isClosed;
        this.shutdownHook = new Thread(this::closeOnShutdown, "clustr-shutdown-" + node.id());
        if (ctx.registerShutdownHook())
        {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    CountDownLatch terminated()
    {
        return terminated;
    }

    void close(final int exitCode)
    {
        if (!isClosed.compareAndSet(false, true))
        {
            return;
        }
        node.onClosing();

        if (null != runner && Thread.currentThread() == runner.thread())
        {
            final Thread closer = new Thread(() -> doClose(exitCode), "clustr-close-" + node.id());
            closer.start();
            return;
        }

        doClose(exitCode);
    }

    private void doClose(final int exitCode)
    {
        try
        {
            isReleaseDeferred = true;
            if (null == invoker)
            {
                // The agent sends the children their kills (with deadlines) before the supervisor closes, or the
                // supervisor would SIGTERM children that were about to exit with 0 by themselves.
                final long timeoutNs = isShuttingDown ? AGENT_STOP_IN_SHUTDOWN_NS : AGENT_STOP_TIMEOUT_NS;
                final CountDownLatch childrenAsked = new CountDownLatch(1);
                agent.submit(() ->
                {
                    try
                    {
                        agent.onStopChildren();
                    }
                    finally
                    {
                        childrenAsked.countDown();
                    }
                });
                awaitQuietly(childrenAsked, timeoutNs);
                spawnBridge.close();
                agent.submit(() -> agent.onLeaveRequest(exitCode));
                if (agent.awaitStopped(timeoutNs))
                {
                    CloseHelper.quietClose(runner);
                    release();
                }
                else
                {
                    if (!isShuttingDown)
                    {
                        NodeLog.logger().log(System.Logger.Level.WARNING, "clustr: node " + node.id() +
                            "'s thread did not stop within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) +
                            " ms (a handler is still running): its Aeron client is closed when the handler returns");
                    }
                    node.onClosed();
                }
            }
            else
            {
                // Invoker mode: the caller is the thread that invokes the agent. Outside a duty cycle the close is
                // driven here; inside one (a handler, a kill), the agent stops on a later invoke and releases.
                agent.onStopChildren();
                spawnBridge.close();
                agent.onLeaveRequest(exitCode);
                if (!agent.isInDutyCycle())
                {
                    final long deadlineNs = System.nanoTime() + NodeAgent.LEAVE_FLUSH_TIMEOUT_NS;
                    while (!invoker.isClosed() && System.nanoTime() - deadlineNs < 0)
                    {
                        invoker.invoke();
                    }
                    invoker.close();
                }
            }
        }
        finally
        {
            if (ctx.registerShutdownHook() && !isShuttingDown)
            {
                try
                {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                }
                catch (final IllegalStateException ignore)
                {
                    // the JVM is shutting down: the hook is running or has run
                }
            }
            if (null == invoker)
            {
                terminated.countDown();
            }
        }
    }

    private static void awaitQuietly(final CountDownLatch latch, final long timeoutNs)
    {
        try
        {
            latch.await(timeoutNs, TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Called on the agent's thread once it has stopped (its last duty cycle is over): the node's resources are
     * released here when the closing thread gave up waiting for a slow handler, or in invoker mode; then an exit
     * waiting for the stop goes on.
     */
    void onAgentStopped()
    {
        if (isReleaseDeferred)
        {
            release();
        }

        final Runnable exit = exitAfterStop;
        if (null != exit)
        {
            exitAfterStop = null;
            exit.run();
        }
    }

    private void release()
    {
        node.release();
        terminated.countDown();
    }

    private void closeOnShutdown()
    {
        isShuttingDown = true;
        close(0);
        try
        {
            terminated.await(ctx.killGraceNs() + SHUTDOWN_MARGIN_NS, TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Exit the process: run the kill hooks (if killed), close the node, complete {@code future} with the exit, then
     * exit with {@code exitCode}. Runs on a thread of its own, since hooks may block and the close waits for the
     * agent; in invoker mode on the invoking thread.
     */
    void exit(
        final int exitCode, final boolean runKillHooks, final String reason, final CompletableFuture<ExitStatus> future)
    {
        if (!isExiting.compareAndSet(false, true))
        {
            return;
        }

        final Runnable finish = () ->
        {
            if (null != future)
            {
                future.complete(ExitStatus.reported(exitCode, 0, reason));
            }
            ctx.processExit().accept(exitCode);
        };

        if (null != invoker)
        {
            agent.submit(() ->
            {
                beginExit(exitCode, runKillHooks, reason);
                exitAfterStop = finish;
                close(exitCode);
            });
            return;
        }

        new Thread(() ->
        {
            beginExit(exitCode, runKillHooks, reason);
            close(exitCode);
            try
            {
                terminated.await(ctx.killGraceNs() + SHUTDOWN_MARGIN_NS, TimeUnit.NANOSECONDS);
            }
            catch (final InterruptedException ignore)
            {
                Thread.currentThread().interrupt();
            }
            finish.run();
        }, "clustr-exit-" + node.id()).start();
    }

    private void beginExit(final int exitCode, final boolean runKillHooks, final String reason)
    {
        // A worker's last stderr lines are its exit reason in its parent: this one says who ended it and why.
        NodeLog.logger().log(
            0 == exitCode ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
            "clustr: node " + node.id() + " (" + node.nameForLog() + ") is exiting with code " + exitCode + ": " +
            reason);
        if (runKillHooks)
        {
            for (final KillHandler handler : killHandlers)
            {
                try
                {
                    handler.onKill(exitCode);
                }
                catch (final Throwable ex)
                {
                    errorHandler.onError(ex);
                }
            }
        }
    }
}
