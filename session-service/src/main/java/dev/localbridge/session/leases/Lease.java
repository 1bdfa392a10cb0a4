package dev.localbridge.session.leases;

/**
 * A live lease as lookups return it: where a user's connection is held and how to reach that replica.
 *
 * @param userId       owner
 * @param connectionId the tunnel connection (unique cluster-wide; gateways use UUIDs)
 * @param nodeId       the replica holding it
 * @param epoch        fencing epoch; relay calls carry it, a replica holding a different epoch answers 421
 * @param expiresAt    epoch ms; the holder renews before this
 * @param relayAddress {@code host:port} of the holder's relay listener
 */
public record Lease(String userId, String connectionId, String nodeId, long epoch, long expiresAt,
        String relayAddress) {
}
