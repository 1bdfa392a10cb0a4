package dev.localbridge.session.nodes;

/**
 * Answer of {@code DELETE /api/nodes/{nodeId}}.
 *
 * @param nodeId         the node
 * @param wasRegistered  whether it was live
 * @param leasesReleased how many of its leases were released
 */
public record DeregisteredNode(String nodeId, boolean wasRegistered, int leasesReleased) {
}
