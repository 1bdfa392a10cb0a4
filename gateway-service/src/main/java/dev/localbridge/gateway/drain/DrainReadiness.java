package dev.localbridge.gateway.drain;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.localbridge.gateway.tunnel.LocalTunnels;

/** Readiness DOWN while draining, so that the Service and the ingress stop sending new work here. */
@Readiness
@ApplicationScoped
class DrainReadiness implements HealthCheck {

    private final Drain drain;
    private final LocalTunnels tunnels;

    DrainReadiness(Drain drain, LocalTunnels tunnels) {
        this.drain = drain;
        this.tunnels = tunnels;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("gateway").status(!drain.draining())
                .withData("tunnels", tunnels.count()).withData("draining", drain.draining()).build();
    }
}
