package dev.localbridge.gateway.proxy;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.localbridge.gateway.auth.TokenVerifier;
import dev.localbridge.gateway.cluster.ClusterCredential;
import dev.localbridge.gateway.config.GatewayConfig;
import dev.localbridge.gateway.metrics.TunnelMetrics;
import dev.localbridge.gateway.ownership.Ownership;
import dev.localbridge.gateway.ratelimit.RateLimiter;
import dev.localbridge.gateway.tunnel.LocalTunnels;
import dev.localbridge.gateway.web.ForwardedHeaders;
import dev.localbridge.gateway.web.ProxiedHeaders;
import io.vertx.core.Vertx;

/** Builds, once, the {@link ProxyContext} that every leg shares (public route and relay listener alike). */
@ApplicationScoped
public class ProxyContexts {

    private final ProxyContext context;

    ProxyContexts(GatewayConfig config, TokenVerifier verifier, LocalTunnels tunnels, RateLimiter rateLimiter,
            TunnelMetrics metrics, Vertx vertx, Ownership ownership, Relays relays,
            ClusterCredential credential, ForwardedHeaders forwarded, ProxiedHeaders proxied) {
        RouteTimeouts timeouts = new RouteTimeouts(config.requestTimeout(),
                config.requestTimeoutRoutes().orElse(List.of()));
        this.context = new ProxyContext(config, verifier, tunnels, rateLimiter, metrics, vertx, timeouts, ownership,
                relays, credential, forwarded, proxied);
    }

    public ProxyContext context() {
        return context;
    }
}
