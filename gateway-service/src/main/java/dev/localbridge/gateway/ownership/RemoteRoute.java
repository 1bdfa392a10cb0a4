package dev.localbridge.gateway.ownership;

/**
 * A user's tunnel connection held by another replica, as session-service leased it.
 *
 * @param nodeId       the replica holding it
 * @param relayAddress {@code host:port} of that replica's relay listener
 * @param connectionId the tunnel connection
 * @param epoch        the lease's fencing epoch; the holder answers 421 when it no longer matches
 */
public record RemoteRoute(String nodeId, String relayAddress, String connectionId, long epoch) {
}
