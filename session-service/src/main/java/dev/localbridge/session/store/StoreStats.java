package dev.localbridge.session.store;

/**
 * Answer of {@code GET /api/stats}.
 *
 * @param store      {@code redis} or {@code memory}
 * @param liveNodes  gateway replicas heartbeating
 * @param liveLeases tunnel connections with a live lease, cluster-wide
 */
public record StoreStats(String store, int liveNodes, long liveLeases) {
}
