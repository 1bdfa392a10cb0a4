package dev.localbridge.session.nodes;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A live gateway replica.
 *
 * @param nodeId            the replica's id ({@code TUNNEL_NODE_ID} of the gateway)
 * @param relayAddress      {@code host:port} other replicas relay requests to
 * @param managementAddress {@code host:port} of its management interface (health and metrics), or {@code null} when
 *                          the gateway did not register one
 * @param registeredAt      epoch ms of the registration
 * @param lastHeartbeat     epoch ms of the last register or heartbeat
 * @param expiresAt         epoch ms after which the node is gone unless it heartbeats
 */
public record NodeView(
        String nodeId,
        String relayAddress,
        @Schema(nullable = true, description = "host:port of the management interface (/q/health, /q/metrics); "
                + "null when the gateway did not register one", example = "10.0.0.5:9000")
        String managementAddress,
        long registeredAt,
        long lastHeartbeat,
        long expiresAt) {
}
