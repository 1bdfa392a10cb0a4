package dev.localbridge.session.leases;

/**
 * One lease a node believes it holds.
 *
 * @param connectionId the connection
 * @param epoch        the epoch it was granted; {@code 0} skips the epoch check (the node id is still checked)
 */
public record LeaseRef(String connectionId, long epoch) {
}
