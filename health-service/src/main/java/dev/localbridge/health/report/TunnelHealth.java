package dev.localbridge.health.report;

import java.util.List;

/**
 * Body of {@code GET /api/tunnel/health}, the shape of ARCHITECTURE.md plus what this round can see.
 *
 * @param status         {@code healthy}, {@code degraded} or {@code unhealthy}
 * @param checks         the four documented checks
 * @param sessionService whether session-service is configured and answered
 * @param nodes          live gateway replicas (empty when unknown)
 * @param connections    live tunnel connections cluster-wide ({@code null} when unknown)
 * @param timestamp      ISO-8601 time of this report
 * @param note           what this report does not cover yet, so that nobody reads more into it than it says
 */
public record TunnelHealth(String status, Checks checks, SessionServiceStatus sessionService, List<Node> nodes,
        Long connections, String timestamp, String note) {

    /**
     * The three rate checks are not computed here yet: each gateway computes them for itself over its last five
     * minutes at its own {@code /api/tunnel/health}; the cluster-wide aggregation is still to be built.
     */
    public static final String RATES_NOT_AGGREGATED = "successRateOk, timeoutRateOk and averageResponseTimeOk are not "
            + "aggregated across gateway replicas yet and always read true here; each gateway reports its own at "
            + "its /api/tunnel/health";

    /**
     * The documented checks. The three rate checks are not aggregated from the gateways yet (see
     * {@link #RATES_NOT_AGGREGATED}); they read true.
     */
    public record Checks(boolean hasConnections, boolean successRateOk, boolean timeoutRateOk,
            boolean averageResponseTimeOk) {
    }

    /**
     * @param configured whether {@code TUNNEL_SESSION_URL} is set
     * @param url        its value
     * @param reachable  whether it answered within the probe timeout
     * @param message    why the status is what it is, for operators
     */
    public record SessionServiceStatus(boolean configured, String url, Boolean reachable, String message) {
    }

    /** A live gateway replica. */
    public record Node(String nodeId, String relayAddress) {
    }
}
