package dev.localbridge.health.report;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * The operator's cluster view, {@code GET /q/cluster} on the management port: the status and checks of the public
 * answer plus the figures behind each check, the thresholds in force, per-replica detail (node ids, addresses, the
 * reason a replica is unreachable), session-service's URL and error, and the active alerts with their messages. It
 * names the cluster's topology, so it is never served on the public port: {@link PublicHealth} is the public
 * projection of it.
 *
 * @param reason      why tunnels cannot be created (null unless {@code unhealthy})
 * @param connections live tunnel leases cluster-wide, from session-service (null when it could not be asked)
 * @param polledAt    ISO-8601 time of the poll this report is computed from (null before the first one)
 * @param timestamp   ISO-8601 time of this answer
 */
@RegisterForReflection // written by OperatorRoutes' own ObjectMapper, not by Quarkus REST
public record ClusterReport(String status, Reason reason, Checks checks, Figures figures, Thresholds thresholds,
        SessionService sessionService, List<Replica> replicas, Long connections, List<Alert> alerts,
        long pollIntervalMs, String polledAt, String timestamp) {

    /**
     * Why the cluster is {@code unhealthy}, as a fixed code: safe to show publicly, unlike the error text behind it
     * (which names hosts and ports).
     */
    public enum Reason {
        /** health-service has not finished its first poll yet. */
        CLUSTER_NOT_POLLED_YET,
        /** session-service did not answer, or answered an error (its store down makes it answer 503). */
        SESSION_SERVICE_UNAVAILABLE,
        /** No registered gateway replica is ready (none registered, all draining or unreachable). */
        NO_READY_GATEWAY
    }

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
