package dev.localbridge.health.report;

import dev.localbridge.health.cluster.ClusterPoller;
import dev.localbridge.health.cluster.ClusterView;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Locale;

/**
 * health-service's own Prometheus gauges, read from the last poll (never waiting on it):
 * {@code localbridge_health_status} (0 healthy, 1 degraded, 2 unhealthy) and {@code localbridge_health_replicas}
 * by {@code state} (ready, draining, unreachable).
 */
@ApplicationScoped
public class HealthMetrics {

    void register(@Observes StartupEvent event, MeterRegistry registry, ClusterPoller poller, Assessment assessment) {
        Gauge.builder("localbridge.health.status", () -> switch (assessment.judge(poller.lastView()).status()) {
            case "healthy" -> 0;
            case "degraded" -> 1;
            default -> 2;
        }).description("Cluster health: 0 healthy, 1 degraded, 2 unhealthy (tunnels cannot be created)")
                .register(registry);
        for (ClusterView.State state : ClusterView.State.values()) {
            Gauge.builder("localbridge.health.replicas", () -> {
                ClusterView view = poller.lastView();
                return view == null ? 0 : view.replicas().stream().filter(r -> r.state() == state).count();
            }).tag("state", state.name().toLowerCase(Locale.ROOT))
                    .description("Registered gateway replicas by state, as of the last poll").register(registry);
        }
    }
}
