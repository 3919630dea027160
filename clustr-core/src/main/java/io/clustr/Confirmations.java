package io.clustr;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentTerminationException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The master's {@code onConfirmation} registrations. Registered from any thread; counted on the duty-cycle thread.
 */
final class Confirmations
{
    private static final Registration[] NONE = new Registration[0];

    private final ErrorHandler errorHandler;
    private volatile Registration[] registrations = NONE;

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

    void onConfirmation(final long senderId, final String senderGroup, final String confirmationId)
    {
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
