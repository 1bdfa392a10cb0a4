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
 * Judges a {@link ClusterView} against the alert levels. {@code unhealthy} only when tunnels cannot be created
 * (session-service or its store down, no ready gateway); {@code degraded} when a rate check or a replica's memory is
 * past its level; otherwise {@code healthy}, zero tunnels included.
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
    public TunnelHealth judge(ClusterView view) {
        String now = Instant.now().toString();
        TunnelHealth.Thresholds thresholds = new TunnelHealth.Thresholds(levels.minSuccessRate(),
                levels.maxTimeoutRate(), levels.maxAverageResponseTime(), levels.maxMemoryBytes(),
                levels.minRequests());
        if (view == null) {
            return new TunnelHealth("unhealthy", new TunnelHealth.Checks(false, true, true, true, true),
                    figures(Deltas.NONE, levels.window(), 0, 0), thresholds,
                    new TunnelHealth.SessionService(true, null, null, null, "no poll of the cluster finished yet"),
                    List.of(), null, List.of(new TunnelHealth.Alert("SessionServiceDown", "critical",
                            "The cluster has not been polled yet")), pollIntervalMs, null, now);
        }
        Deltas w = view.window();
        boolean judged = w.requests() >= levels.minRequests();
        double success = w.successRate() == null ? 1.0 : w.successRate();
        double timeouts = w.timeoutRate() == null ? 0.0 : w.timeoutRate();
        double average = w.averageResponseTimeMs() == null ? 0.0 : w.averageResponseTimeMs();
        long maxMemory = view.replicas().stream().mapToLong(ClusterView.Replica::memoryBytes).max().orElse(0);
        long tunnels = view.leases() != null ? Math.max(view.leases(), view.tunnels()) : view.tunnels();
        TunnelHealth.Checks checks = new TunnelHealth.Checks(tunnels > 0,
                !judged || success >= levels.minSuccessRate(), !judged || timeouts <= levels.maxTimeoutRate(),
                !judged || average <= levels.maxAverageResponseTime(), maxMemory <= levels.maxMemoryBytes());

        List<TunnelHealth.Alert> alerts = new ArrayList<>();
        ClusterView.Session s = view.session();
        boolean sessionDown = s.configured() && !Boolean.TRUE.equals(s.reachable());
        if (sessionDown) {
            alerts.add(new TunnelHealth.Alert("SessionServiceDown", "critical", s.message()));
        } else if (s.configured() && view.readyReplicas() == 0) {
            alerts.add(new TunnelHealth.Alert("NoReadyGateway", "critical", view.replicas().isEmpty()
                    ? "No gateway replica is registered: tunnels cannot be created"
                    : "No registered gateway replica is ready: tunnels cannot be created"));
        }
        if (!checks.successRateOk()) {
            alerts.add(new TunnelHealth.Alert("SuccessRateLow", "warning", String.format(Locale.ROOT,
                    "Success rate %.1f %% over the last %d s (%d requests), below %.1f %%", success * 100,
                    view.windowMillis() / 1000, w.requests(), levels.minSuccessRate() * 100)));
        }
        if (!checks.timeoutRateOk()) {
            alerts.add(new TunnelHealth.Alert("TimeoutRateHigh", "warning", String.format(Locale.ROOT,
                    "Timeout rate %.1f %% over the last %d s (%d requests), above %.1f %%", timeouts * 100,
                    view.windowMillis() / 1000, w.requests(), levels.maxTimeoutRate() * 100)));
        }
        if (!checks.averageResponseTimeOk()) {
            alerts.add(new TunnelHealth.Alert("AverageResponseTimeHigh", "warning", String.format(Locale.ROOT,
                    "Average time to first byte %.0f ms over the last %d s, above %d ms", average,
                    view.windowMillis() / 1000, levels.maxAverageResponseTime())));
        }
        List<TunnelHealth.Replica> replicas = new ArrayList<>();
        for (ClusterView.Replica r : view.replicas()) {
            boolean memoryOk = r.memoryBytes() <= levels.maxMemoryBytes();
            if (!memoryOk) {
                alerts.add(new TunnelHealth.Alert("MemoryHigh", "warning", String.format(Locale.ROOT,
                        "%s uses %d MB, above %d MB", r.nodeId(), r.memoryBytes() >> 20, levels.maxMemoryBytes() >> 20)));
            }
            if (r.state() == ClusterView.State.UNREACHABLE) {
                alerts.add(new TunnelHealth.Alert("ReplicaUnreachable", "warning",
                        r.nodeId() + " is registered but does not answer: " + r.error()));
            }
            Deltas rw = r.window();
            replicas.add(new TunnelHealth.Replica(r.nodeId(), r.relayAddress(), r.managementAddress(),
                    r.state().name().toLowerCase(Locale.ROOT), r.tunnels(), r.streamsInFlight(), r.requestRate(),
                    new TunnelHealth.ReplicaWindow(rw.requests(), orElse(rw.successRate(), 1.0),
                            orElse(rw.timeoutRate(), 0.0), orElse(rw.averageResponseTimeMs(), 0.0)),
                    r.memoryBytes(), memoryOk, r.lastSeen() == null ? null : Instant.ofEpochMilli(r.lastSeen()).toString(),
                    r.error()));
        }
        String status;
        if (sessionDown || (s.configured() && view.readyReplicas() == 0)) {
            status = "unhealthy";
        } else if (!checks.successRateOk() || !checks.timeoutRateOk() || !checks.averageResponseTimeOk()
                || !checks.memoryOk()) {
            status = "degraded";
        } else {
            status = "healthy";
        }
        return new TunnelHealth(status, checks, figures(w, view.windowMillis(), tunnels, maxMemory), thresholds,
                new TunnelHealth.SessionService(s.configured(), s.url(), s.reachable(), s.store(), s.message()),
                replicas, view.leases(), alerts, pollIntervalMs, Instant.ofEpochMilli(view.polledAt()).toString(),
                now);
    }

    private static TunnelHealth.Figures figures(Deltas w, long windowMillis, long tunnels, long maxMemory) {
        return new TunnelHealth.Figures(windowMillis / 1000, w.requests(), orElse(w.successRate(), 1.0),
                orElse(w.timeoutRate(), 0.0), orElse(w.averageResponseTimeMs(), 0.0), tunnels, maxMemory);
    }

    private static double orElse(Double value, double otherwise) {
        return value == null ? otherwise : value;
    }
}
