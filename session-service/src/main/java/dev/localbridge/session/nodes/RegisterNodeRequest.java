package dev.localbridge.session.nodes;

/**
 * Body of {@code POST /api/nodes}.
 *
 * @param nodeId       the replica's id
 * @param relayAddress {@code host:port} of its relay listener, as other replicas reach it
 */
public record RegisterNodeRequest(String nodeId, String relayAddress) {
}
