package io.clustr;

import io.clustr.spawn.ExitStatus;
import org.agrona.ErrorHandler;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.AgentTerminationException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongUnaryOperator;

/**
 * The master's {@code onConfirmation} registrations and {@code awaitConfirmations} waits. Registered from any
 * thread; counted on the duty-cycle thread. A wait fails when a spec this node spawned is given up before any of its
 * workers confirmed into that wait (its readiness can then never come), and when the node closes.
 */
final class Confirmations
{
    /**
     * The slot of a sender that is not a child of this node.
     */
    static final long NO_SLOT = -1;

    private static final Registration[] NONE = new Registration[0];

    private final ErrorHandler errorHandler;
    private final ArrayList<Wait> waits = new ArrayList<>();
    private volatile Registration[] registrations = NONE;
    private volatile boolean hasWaits;
    private volatile LongUnaryOperator slotOfSender = (senderId) -> NO_SLOT;
    private String closedReason;

    Confirmations(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
    }

    synchronized void register(final int count, final String confirmationId, final ConfirmationHandler handler)
    {
        if (count < 1)
        {
            throw new IllegalArgumentException(
                "onConfirmation count must be at least 1, was " + count + ": it is how many confirmations fire it");
        }
        Objects.requireNonNull(confirmationId, "confirmation id must not be null, e.g. \"ready\"");
        Objects.requireNonNull(handler, "confirmation handler must not be null");

        final Registration[] newRegistrations = Arrays.copyOf(registrations, registrations.length + 1);
        newRegistrations[registrations.length] = new Registration(count, confirmationId, handler);
        registrations = newRegistrations;
    }

    /**
     * @param slotOfSender the slot id ({@link io.clustr.spawn.ChildProcess#slotId()}) of a sender this node spawned,
     *                     else {@link #NO_SLOT}; set once the node spawns.
     */
    void slotOfSender(final LongUnaryOperator slotOfSender)
    {
        this.slotOfSender = slotOfSender;
    }

    /**
     * A one-shot wait (any thread): completes with the first {@code count} confirmations with this id that arrive.
     */
    CompletableFuture<List<Confirmation>> await(final int count, final String confirmationId)
    {
        if (count < 1)
        {
            throw new IllegalArgumentException("awaitConfirmations count must be at least 1, was " + count +
                ": it is how many confirmations to wait for");
        }
        Objects.requireNonNull(confirmationId, "confirmation id must not be null, e.g. \"ready\"");

        final CompletableFuture<List<Confirmation>> future = new CompletableFuture<>();
        final String closed;
        synchronized (this)
        {
            closed = closedReason;
            if (null == closed)
            {
                waits.add(new Wait(count, confirmationId, future));
                hasWaits = true;
            }
        }
        if (null != closed)
        {
            future.completeExceptionally(new ClustrException(
                "cannot wait for " + count + " '" + confirmationId + "' confirmations: " + closed));
        }

        return future;
    }

    void onConfirmation(final long senderId, final String senderGroup, final String confirmationId)
    {
        if (hasWaits)
        {
            completeWaits(new Confirmation(senderId, senderGroup, confirmationId));
        }

        for (final Registration registration : registrations)
        {
            if (registration.confirmationId.equals(confirmationId))
            {
                registration.pending.add(new Confirmation(senderId, senderGroup, confirmationId));
                if (registration.pending.size() == registration.count)
                {
                    final List<Confirmation> confirmations = List.copyOf(registration.pending);
                    registration.pending.clear();
                    try
                    {
                        registration.handler.onConfirmations(confirmations);
                    }
                    catch (final AgentTerminationException ex)
                    {
                        throw ex;
                    }
                    catch (final Throwable ex)
                    {
                        errorHandler.onError(ex);
                    }
                }
            }
        }
    }

    /**
     * A spec this node spawned was given up (agent): every wait no worker of that spec confirmed into fails.
     */
    void onGaveUp(
        final long slotId,
        final String specName,
        final long lastWorkerId,
        final String reason,
        final ExitStatus lastExit)
    {
        if (!hasWaits)
        {
            return;
        }

        final List<Wait> failed = new ArrayList<>();
        synchronized (this)
        {
            for (int i = waits.size() - 1; i >= 0; i--)
            {
                final Wait wait = waits.get(i);
                if (!wait.slots.contains(slotId))
                {
                    waits.remove(i);
                    failed.add(0, wait);
                }
            }
            hasWaits = !waits.isEmpty();
        }

        for (final Wait wait : failed)
        {
            wait.future.completeExceptionally(new SpawnGaveUpException(
                "the wait for " + wait.count + " '" + wait.confirmationId + "' confirmations (" +
                wait.arrived.size() + " arrived) cannot complete: spec " + specName + " (last worker " + lastWorkerId +
                ") was given up: " + reason, specName, lastWorkerId, reason, lastExit));
        }
    }

    /**
     * The node is closing (any thread): every wait fails, and so does every later one.
     */
    void onClosed(final String why)
    {
        final List<Wait> failed;
        synchronized (this)
        {
            if (null == closedReason)
            {
                closedReason = why;
            }
            failed = new ArrayList<>(waits);
            waits.clear();
            hasWaits = false;
        }

        for (final Wait wait : failed)
        {
            wait.future.completeExceptionally(new ClustrException("the wait for " + wait.count + " '" +
                wait.confirmationId + "' confirmations (" + wait.arrived.size() + " arrived) cannot complete: " + why));
        }
    }

    private void completeWaits(final Confirmation confirmation)
    {
        final long slotId = slotOfSender.applyAsLong(confirmation.senderId());
        List<Wait> completed = null;
        synchronized (this)
        {
            for (int i = 0; i < waits.size(); i++)
            {
                final Wait wait = waits.get(i);
                if (wait.confirmationId.equals(confirmation.id()))
                {
                    wait.arrived.add(confirmation);
                    if (NO_SLOT != slotId)
                    {
                        wait.slots.add(slotId);
                    }
                    if (wait.arrived.size() == wait.count)
                    {
                        if (null == completed)
                        {
                            completed = new ArrayList<>();
                        }
                        completed.add(wait);
                        waits.remove(i--);
                    }
                }
            }
            hasWaits = !waits.isEmpty();
        }

        if (null != completed)
        {
            for (final Wait wait : completed)
            {
                wait.future.complete(List.copyOf(wait.arrived));
            }
        }
    }

    private static final class Wait
    {
        final int count;
        final String confirmationId;
        final CompletableFuture<List<Confirmation>> future;
        final ArrayList<Confirmation> arrived = new ArrayList<>();
        final LongHashSet slots = new LongHashSet();

        Wait(final int count, final String confirmationId, final CompletableFuture<List<Confirmation>> future)
        {
            this.count = count;
            this.confirmationId = confirmationId;
            this.future = future;
        }
    }

    private static final class Registration
    {
        final int count;
        final String confirmationId;
        final ConfirmationHandler handler;
        final ArrayList<Confirmation> pending = new ArrayList<>();

        Registration(final int count, final String confirmationId, final ConfirmationHandler handler)
        {
            this.count = count;
            this.confirmationId = confirmationId;
            this.handler = handler;
        }
    }
}
