package dev.localbridge.gateway.ratelimit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.localbridge.gateway.config.GatewayConfig;
import dev.localbridge.gateway.ownership.SessionClient;
import io.quarkus.runtime.ShutdownEvent;

/** The per-replica limiter standalone; the cluster-wide one (token batches from session-service) when clustered. */
@Singleton
class RateLimiterProducer {

    private volatile ClusterRateLimiter cluster;

    @Produces
    @ApplicationScoped
    RateLimiter rateLimiter(GatewayConfig config, LocalRateLimiter local, Instance<SessionClient> session) {
        if (config.sessionUrl().filter(url -> !url.isBlank()).isEmpty()) {
            return local;
        }
        ClusterRateLimiter limiter = new ClusterRateLimiter(session.get(), local, config.rateLimit().maxRequests());
        cluster = limiter;
        return limiter;
    }

    void onStop(@Observes ShutdownEvent event) {
        ClusterRateLimiter limiter = cluster;
        if (limiter != null) {
            limiter.returnUnused();
        }
    }
}
