package dev.localbridge.session.nodes;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /api/nodes}.
 *
 * @param nodeId            the replica's id
 * @param relayAddress      {@code host:port} of its relay listener, as other replicas reach it
 * @param managementAddress {@code host:port} of its management interface (health and metrics), as health-service
 *                          reaches it; optional, gateways older than this field leave it out
 */
public record RegisterNodeRequest(
        @Schema(required = true, example = "gateway-0") String nodeId,
        @Schema(required = true, description = "host:port of the relay listener", example = "10.0.0.5:8082")
        String relayAddress,
        @Schema(nullable = true, description = "host:port of the management interface (/q/health, /q/metrics); "
                + "optional", example = "10.0.0.5:9000")
        String managementAddress) {
}
