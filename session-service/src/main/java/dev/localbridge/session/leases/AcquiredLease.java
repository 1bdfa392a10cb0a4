package dev.localbridge.session.leases;

/**
 * Answer of {@code POST /api/leases}.
 *
 * @param outcome      {@code acquired} (new), {@code moved} (taken over from another node, new epoch) or
 *                     {@code renewed} (same node registered it again, same epoch)
 * @param userId       owner
 * @param connectionId the connection
 * @param nodeId       holder
 * @param epoch        the epoch to carry in relay calls and renewals
 * @param expiresAt    epoch ms
 */
public record AcquiredLease(String outcome, String userId, String connectionId, String nodeId, long epoch,
        long expiresAt) {
}
