package dev.localbridge.health.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Body of the public {@code GET /api/tunnel/health}: the status and checks of docs/operations.md ("Health"), the figures and
 * thresholds behind them, and counts. It is built from the operator's {@link ClusterReport} by keeping only what
 * names no part of the cluster: no node id (a gateway's defaults to its host or pod name), no address, no URL and no
 * error text (those carry host names, ports and exception messages). Why it is unhealthy is a fixed
 * {@link ClusterReport.Reason}; an alert is its name and how many times it is raised.
 *
 * @param reason      why tunnels cannot be created (null unless {@code unhealthy})
 * @param connections live tunnel leases cluster-wide, from session-service (null when it could not be asked)
 * @param polledAt    ISO-8601 time of the poll this answer is computed from (null before the first one)
 * @param timestamp   ISO-8601 time of this answer
 */
public record PublicHealth(String status, ClusterReport.Reason reason, ClusterReport.Checks checks,
        ClusterReport.Figures figures, ClusterReport.Thresholds thresholds, SessionService sessionService,
        Replicas replicas, Long connections, List<Alert> alerts, long pollIntervalMs, String polledAt,
        String timestamp) {

    /** Whether session-service is configured and answered; where it is and what failed is for operators. */
    public record SessionService(boolean configured, Boolean reachable) {
    }

    /** Registered gateway replicas by state. */
    public record Replicas(int registered, int ready, int draining, int unreachable) {
    }

    /** An active alert by name (a fixed code), raised {@code count} times (e.g. once per unreachable replica). */
    public record Alert(String name, String severity, int count) {
    }

    /** The public projection of {@code report}. */
    public static PublicHealth of(ClusterReport report) {
        Map<String, Alert> alerts = new LinkedHashMap<>();
        for (ClusterReport.Alert a : report.alerts()) {
            alerts.merge(a.name(), new Alert(a.name(), a.severity(), 1),
                    (was, more) -> new Alert(was.name(), was.severity(), was.count() + 1));
        }
        return new PublicHealth(report.status(), report.reason(), report.checks(), report.figures(),
                report.thresholds(),
                new SessionService(report.sessionService().configured(), report.sessionService().reachable()),
                new Replicas(report.replicas().size(), inState(report, "ready"), inState(report, "draining"),
                        inState(report, "unreachable")),
                report.connections(), List.copyOf(alerts.values()), report.pollIntervalMs(), report.polledAt(),
                report.timestamp());
    }

    private static int inState(ClusterReport report, String state) {
        return (int) report.replicas().stream().filter(r -> state.equals(r.state())).count();
    }
}
