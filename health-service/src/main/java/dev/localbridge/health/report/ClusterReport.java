package dev.localbridge.health.report;

import java.util.List;

/**
 * Body of {@code GET /api/tunnel/health}: the shape of ARCHITECTURE.md ({@code status}, {@code checks}) plus the
 * figures behind each check, the thresholds in force, per-replica detail and the active alerts.
 *
 * @param connections live tunnel leases cluster-wide, from session-service (null when it could not be asked)
 * @param polledAt    ISO-8601 time of the poll this report is computed from (null before the first one)
 * @param timestamp   ISO-8601 time of this answer
 */
public record TunnelHealth(String status, Checks checks, Figures figures, Thresholds thresholds,
        SessionService sessionService, List<Replica> replicas, Long connections, List<Alert> alerts,
        long pollIntervalMs, String polledAt, String timestamp) {

    /** The documented checks, plus {@code memoryOk} (every replica under the memory alert level). */
    public record Checks(boolean hasConnections, boolean successRateOk, boolean timeoutRateOk,
            boolean averageResponseTimeOk, boolean memoryOk) {
    }

    /**
     * The cluster-wide figures of the last {@code windowSeconds}. With no request in the window the success rate is 1,
     * the timeout rate 0 and the average 0.
     *
     * @param maxMemoryBytes the highest memory of any replica that answered
     */
    public record Figures(long windowSeconds, long requests, double successRate, double timeoutRate,
            double averageResponseTimeMs, long tunnels, long maxMemoryBytes) {
    }

    /** The alert levels in force; the rate checks judge only from {@code minRequests} requests in the window. */
    public record Thresholds(double minSuccessRate, double maxTimeoutRate, long maxAverageResponseTimeMs,
            long maxMemoryBytes, long minRequests) {
    }

    /** session-service as the last poll found it. */
    public record SessionService(boolean configured, String url, Boolean reachable, String store, String message) {
    }

    /** One registered gateway replica. {@code state}: ready, draining or unreachable. */
    public record Replica(String nodeId, String relayAddress, String managementAddress, String state, int tunnels,
            int streamsInFlight, double requestRate, ReplicaWindow window, long memoryBytes, boolean memoryOk,
            String lastSeen, String error) {
    }

    /** A replica's own figures of the window. */
    public record ReplicaWindow(long requests, double successRate, double timeoutRate, double averageResponseTimeMs) {
    }

    /** An active alert; severity warning or critical. */
    public record Alert(String name, String severity, String message) {
    }
}
