package dev.localbridge.gateway.status;

import java.time.Instant;
import java.util.List;

/** The JSON bodies of the status endpoints. */
final class StatusViews {

    private StatusViews() {
    }

    /**
     * {@code GET /api/tunnel/health} (public, no auth): this replica's own figures. Names no replica: the node id
     * defaults to the host or pod name, which is for operators ({@code /q/localbridge} on the management port).
     */
    record ReplicaHealth(String status, Checks checks, int tunnels, int streamsInFlight, WindowView window,
            Thresholds thresholds, Instant timestamp) {
    }

    /** The four checks of the deployment guide. */
    record Checks(boolean hasConnections, boolean successRateOk, boolean timeoutRateOk,
            boolean averageResponseTimeOk) {
    }

    /** Figures over the recent window that the checks are computed from. */
    record WindowView(long seconds, long requests, double successRate, double timeoutRate,
            double averageResponseTimeMs) {
    }

    /** The alert levels in force. */
    record Thresholds(double minSuccessRate, double maxTimeoutRate, long maxAverageResponseTimeMs) {
    }

    /** One tunnel connection of the caller. */
    record ConnectionView(String connectionId, String nodeId, Instant connectedAt, int streamsInFlight, long requests,
            double rttMs) {
    }

    /** {@code GET /api/tunnel/status}. */
    record TunnelStatus(String userId, boolean connected, List<ConnectionView> connections, Instant timestamp) {
    }

    /** {@code GET /api/tunnel/health/{userId}}. */
    record UserHealth(String userId, String status, int connections, double rttMs, Instant timestamp) {
    }

    /** {@code GET /api/tunnel/metrics}. */
    record MetricsView(UserFigures user, SystemFigures system, ClusterView cluster, Instant timestamp) {
    }

    /**
     * The caller's own figures. {@code connections} and the counters cover its connections held by this replica;
     * {@code remoteConnections} counts those held by other replicas (null when session-service cannot say now).
     */
    record UserFigures(String userId, int connections, Integer remoteConnections, int streamsInFlight, long requests,
            long bytesToAgent, long bytesFromAgent) {
    }

    /**
     * Cluster-wide figures from session-service ({@code clustered} false: this replica alone); null when a clustered
     * replica has not read them yet.
     */
    record ClusterView(boolean clustered, String store, int replicas, long tunnels, Instant readAt) {
    }

    /** This replica's figures. */
    record SystemFigures(String nodeId, int tunnels, int streamsInFlight, WindowView window) {
    }
}
