package io.clustr;

/**
 * One confirmation, as counted by an {@code onConfirmation} registration.
 *
 * @param senderId    id of the node that confirmed.
 * @param senderGroup group of the node that confirmed; empty for the master.
 * @param id          the confirmation id, e.g. {@code "ready"}.
 */
public record Confirmation(long senderId, String senderGroup, String id)
{
}
