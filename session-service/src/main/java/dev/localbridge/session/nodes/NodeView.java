package dev.localbridge.session.nodes;

/**
 * A live gateway replica.
 *
 * @param nodeId        the replica's id ({@code TUNNEL_NODE_ID} of the gateway)
 * @param relayAddress  {@code host:port} other replicas relay requests to
 * @param registeredAt  epoch ms of the registration
 * @param lastHeartbeat epoch ms of the last register or heartbeat
 * @param expiresAt     epoch ms after which the node is gone unless it heartbeats
 */
public record NodeView(String nodeId, String relayAddress, long registeredAt, long lastHeartbeat, long expiresAt) {
}
