package dev.localbridge.gateway.ownership;

/**
 * Cluster-wide figures as session-service last reported them (read once per lease round).
 *
 * @param store    {@code redis} or {@code memory}
 * @param replicas live gateway replicas
 * @param tunnels  live tunnel connections (leases), all replicas together
 * @param readAt   epoch ms when they were read
 */
public record ClusterFigures(String store, int replicas, long tunnels, long readAt) {
}
