package io.clustr;

import io.clustr.spawn.ExitStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One-shot confirmation waits: completed by their count, failed by a give-up of a spec that has not confirmed into
 * them, and by the close.
 */
class ConfirmationsTest
{
    private final Confirmations confirmations = new Confirmations(Throwable::printStackTrace);

    @Test
    void shouldCompleteWithTheFirstConfirmationsOfItsIdOnce() throws Exception
    {
        final CompletableFuture<List<Confirmation>> ready = confirmations.await(2, "ready");
        confirmations.onConfirmation(7, "web", "other");
        confirmations.onConfirmation(7, "web", "ready");
        assertFalse(ready.isDone());
        confirmations.onConfirmation(8, "web", "ready");
        confirmations.onConfirmation(9, "web", "ready");

        assertEquals(List.of(new Confirmation(7, "web", "ready"), new Confirmation(8, "web", "ready")), ready.get());
    }

    @Test
    void shouldFailOnlyTheWaitsTheGivenUpSpecHasNotConfirmedInto()
    {
        confirmations.slotOfSender((senderId) -> senderId < 100 ? senderId / 10 : Confirmations.NO_SLOT);
        final CompletableFuture<List<Confirmation>> confirmedBySlot5 = confirmations.await(2, "ready");
        final CompletableFuture<List<Confirmation>> notYet = confirmations.await(1, "flushed");
        confirmations.onConfirmation(51, "web", "ready");

        confirmations.onGaveUp(5, "web", 53, "crash loop; last exit: exit code 1", ExitStatus.reported(1, 0, "x"));
        assertFalse(confirmedBySlot5.isDone(), "slot 5 confirmed into it");
        final ExecutionException failed = assertThrows(ExecutionException.class, notYet::get);
        final SpawnGaveUpException gaveUp = assertInstanceOf(SpawnGaveUpException.class, failed.getCause());
        assertEquals("the wait for 1 'flushed' confirmations (0 arrived) cannot complete: spec web (last worker 53) " +
            "was given up: crash loop; last exit: exit code 1", gaveUp.getMessage());
        assertEquals(53, gaveUp.lastWorkerId());

        confirmations.onGaveUp(6, "cache", 61, "crash loop", null);
        assertTrue(confirmedBySlot5.isCompletedExceptionally(), "slot 6 never confirmed into it");
    }

    @Test
    void shouldFailPendingAndLaterWaitsOnClose()
    {
        final CompletableFuture<List<Confirmation>> pending = confirmations.await(1, "ready");
        confirmations.onClosed("the master has closed");
        final CompletableFuture<List<Confirmation>> later = confirmations.await(1, "ready");

        for (final CompletableFuture<List<Confirmation>> wait : List.of(pending, later))
        {
            final ExecutionException ex = assertThrows(ExecutionException.class, wait::get);
            assertTrue(ex.getCause().getMessage().contains("the master has closed"), ex.getCause().getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> confirmations.await(0, "ready"));
    }
}
