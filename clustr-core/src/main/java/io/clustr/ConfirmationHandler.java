package io.clustr;

import java.util.List;

/**
 * Called on the master's duty-cycle thread each time an {@code onConfirmation(n, id, handler)} registration has
 * counted {@code n} confirmations.
 */
@FunctionalInterface
public interface ConfirmationHandler
{
    /**
     * @param confirmations the {@code n} confirmations counted since the registration last fired, in arrival order.
     */
    void onConfirmations(List<Confirmation> confirmations);
}
