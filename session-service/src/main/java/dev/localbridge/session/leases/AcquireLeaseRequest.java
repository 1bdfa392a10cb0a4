package dev.localbridge.session.leases;

/**
 * Body of {@code POST /api/leases}.
 *
 * @param userId       owner of the connection
 * @param connectionId the connection's cluster-wide unique id
 * @param nodeId       the registered replica that holds the WebSocket
 */
public record AcquireLeaseRequest(String userId, String connectionId, String nodeId) {
}
