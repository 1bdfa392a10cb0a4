package dev.localbridge.health.report;

import dev.localbridge.health.HealthConfig;
import dev.localbridge.health.cluster.ClusterView;
import dev.localbridge.health.cluster.Deltas;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Judges a {@link ClusterView} against the alert levels, into the operator's {@link ClusterReport}. {@code unhealthy}
 * only when tunnels cannot be created (session-service or its store down, no ready gateway); {@code degraded} when a
 * rate check or a replica's memory is past its level; otherwise {@code healthy}, zero tunnels included.
 */
@ApplicationScoped
public class Assessment {

    private final HealthConfig.Health levels;
    private final long pollIntervalMs;

    Assessment(HealthConfig config) {
        this.levels = config.health();
        this.pollIntervalMs = config.probe().interval();
    }

    /** The report for {@code view} (null: no poll finished yet). */
    public ClusterReport judge(ClusterView view) {
        String now = Instant.now().toString();
        ClusterReport.Thresholds thresholds = new ClusterReport.Thresholds(levels.minSuccessRate(),
                levels.maxTimeoutRate(), levels.maxAverageResponseTime(), levels.maxMemoryBytes(),
                levels.minRequests());
        if (view == null) {
            return new ClusterReport("unhealthy", ClusterReport.Reason.CLUSTER_NOT_POLLED_YET,
                    new ClusterReport.Checks(false, true, true, true, true), figures(Deltas.NONE, levels.window(), 0, 0), thresholds,
                    new ClusterReport.SessionService(true, null, null, null, "no poll of the cluster finished yet"),
                    List.of(), null, List.of(new ClusterReport.Alert("SessionServiceDown", "critical",
                            "The cluster has not been polled yet")), pollIntervalMs, null, now);
        }
        Deltas w = view.window();
        boolean judged = w.requests() >= levels.minRequests();
        double success = w.successRate() == null ? 1.0 : w.successRate();
        double timeouts = w.timeoutRate() == null ? 0.0 : w.timeoutRate();
        double average = w.averageResponseTimeMs() == null ? 0.0 : w.averageResponseTimeMs();
        long maxMemory = view.replicas().stream().mapToLong(ClusterView.Replica::memoryBytes).max().orElse(0);
        long tunnels = view.leases() != null ? Math.max(view.leases(), view.tunnels()) : view.tunnels();
        ClusterReport.Checks checks = new ClusterReport.Checks(tunnels > 0,
                !judged || success >= levels.minSuccessRate(), !judged || timeouts <= levels.maxTimeoutRate(),
                !judged || average <= levels.maxAverageResponseTime(), maxMemory <= levels.maxMemoryBytes());

        List<ClusterReport.Alert> alerts = new ArrayList<>();
        ClusterView.Session s = view.session();
        boolean sessionDown = s.configured() && !Boolean.TRUE.equals(s.reachable());
        if (sessionDown) {
            alerts.add(new ClusterReport.Alert("SessionServiceDown", "critical", s.message()));
        } else if (s.configured() && view.readyReplicas() == 0) {
            alerts.add(new ClusterReport.Alert("NoReadyGateway", "critical", view.replicas().isEmpty()
                    ? "No gateway replica is registered: tunnels cannot be created"
                    : "No registered gateway replica is ready: tunnels cannot be created"));
        }
        if (!checks.successRateOk()) {
            alerts.add(new ClusterReport.Alert("SuccessRateLow", "warning", String.format(Locale.ROOT,
                    "Success rate %.1f %% over the last %d s (%d requests), below %.1f %%", success * 100,
                    view.windowMillis() / 1000, w.requests(), levels.minSuccessRate() * 100)));
        }
        if (!checks.timeoutRateOk()) {
            alerts.add(new ClusterReport.Alert("TimeoutRateHigh", "warning", String.format(Locale.ROOT,
                    "Timeout rate %.1f %% over the last %d s (%d requests), above %.1f %%", timeouts * 100,
                    view.windowMillis() / 1000, w.requests(), levels.maxTimeoutRate() * 100)));
        }
        if (!checks.averageResponseTimeOk()) {
            alerts.add(new ClusterReport.Alert("AverageResponseTimeHigh", "warning", String.format(Locale.ROOT,
                    "Average time to first byte %.0f ms over the last %d s, above %d ms", average,
                    view.windowMillis() / 1000, levels.maxAverageResponseTime())));
        }
        List<ClusterReport.Replica> replicas = new ArrayList<>();
        for (ClusterView.Replica r : view.replicas()) {
            boolean memoryOk = r.memoryBytes() <= levels.maxMemoryBytes();
            if (!memoryOk) {
                alerts.add(new ClusterReport.Alert("MemoryHigh", "warning", String.format(Locale.ROOT,
                        "%s uses %d MB, above %d MB", r.nodeId(), r.memoryBytes() >> 20, levels.maxMemoryBytes() >> 20)));
            }
            if (r.state() == ClusterView.State.UNREACHABLE) {
                alerts.add(new ClusterReport.Alert("ReplicaUnreachable", "warning",
                        r.nodeId() + " is registered but does not answer: " + r.error()));
            }
            Deltas rw = r.window();
            replicas.add(new ClusterReport.Replica(r.nodeId(), r.relayAddress(), r.managementAddress(),
                    r.state().name().toLowerCase(Locale.ROOT), r.tunnels(), r.streamsInFlight(), r.requestRate(),
                    new ClusterReport.ReplicaWindow(rw.requests(), orElse(rw.successRate(), 1.0),
                            orElse(rw.timeoutRate(), 0.0), orElse(rw.averageResponseTimeMs(), 0.0)),
                    r.memoryBytes(), memoryOk, r.lastSeen() == null ? null : Instant.ofEpochMilli(r.lastSeen()).toString(),
                    r.error()));
        }
        String status;
        ClusterReport.Reason reason = null;
        if (sessionDown || (s.configured() && view.readyReplicas() == 0)) {
            status = "unhealthy";
            reason = sessionDown ? ClusterReport.Reason.SESSION_SERVICE_UNAVAILABLE
                    : ClusterReport.Reason.NO_READY_GATEWAY;
        } else if (!checks.successRateOk() || !checks.timeoutRateOk() || !checks.averageResponseTimeOk()
                || !checks.memoryOk()) {
            status = "degraded";
        } else {
            status = "healthy";
        }
        return new ClusterReport(status, reason, checks, figures(w, view.windowMillis(), tunnels, maxMemory),
                thresholds, new ClusterReport.SessionService(s.configured(), s.url(), s.reachable(), s.store(), s.message()),
                replicas, view.leases(), alerts, pollIntervalMs, Instant.ofEpochMilli(view.polledAt()).toString(),
                now);
    }

    private static ClusterReport.Figures figures(Deltas w, long windowMillis, long tunnels, long maxMemory) {
        return new ClusterReport.Figures(windowMillis / 1000, w.requests(), orElse(w.successRate(), 1.0),
                orElse(w.timeoutRate(), 0.0), orElse(w.averageResponseTimeMs(), 0.0), tunnels, maxMemory);
    }

    private static double orElse(Double value, double otherwise) {
        return value == null ? otherwise : value;
    }
}
