package dev.localbridge.gateway.ownership;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The request and answer bodies of session-service's REST API (see session-service/README.md), as the gateway uses them. */
final class SessionApi {

    private SessionApi() {
    }

    @RegisterForReflection
    record RegisterNode(String nodeId, String relayAddress, String managementAddress) {
    }

    @RegisterForReflection
    record AcquireLease(String userId, String connectionId, String nodeId) {
    }

    /** {@code outcome}: acquired, moved or renewed. */
    @RegisterForReflection
    record AcquiredLease(String outcome, String userId, String connectionId, String nodeId, long epoch,
            long expiresAt) {
    }

    @RegisterForReflection
    record LeaseRef(String connectionId, long epoch) {
    }

    @RegisterForReflection
    record RenewLeases(String nodeId, List<LeaseRef> leases) {
    }

    @RegisterForReflection
    record RenewedLeases(List<String> renewed, List<String> gone, List<String> fenced, long expiresAt) {
    }

    @RegisterForReflection
    record Lease(String userId, String connectionId, String nodeId, long epoch, long expiresAt,
            String relayAddress) {
    }

    @RegisterForReflection
    record UserLeases(String userId, List<Lease> leases) {
    }

    @RegisterForReflection
    record StoreStats(String store, int liveNodes, long liveLeases) {
    }

    /** One change-feed event; {@code type}: subscribed, ping, lease-acquired, lease-moved, lease-released, node-gone. */
    @RegisterForReflection
    record ChangeEvent(String type, String userId, String connectionId, String nodeId, String previousNodeId,
            Long epoch, String reason, long at) {
    }
}
