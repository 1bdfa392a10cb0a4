package dev.localbridge.gateway.status;

import java.time.Instant;
import java.util.List;

/** The JSON bodies of the status endpoints. */
final class StatusViews {

    private StatusViews() {
    }

    /** {@code GET /api/tunnel/health}: this replica's own view. */
    record ReplicaHealth(String status, Checks checks, String nodeId, int tunnels, int streamsInFlight,
            WindowView window, Thresholds thresholds, Instant timestamp) {
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
    record MetricsView(UserFigures user, SystemFigures system, Instant timestamp) {
    }

    /** The caller's own figures, over its live connections. */
    record UserFigures(String userId, int connections, int streamsInFlight, long requests, long bytesToAgent,
            long bytesFromAgent) {
    }

    /** This replica's figures. */
    record SystemFigures(String nodeId, int tunnels, int streamsInFlight, WindowView window) {
    }
}
