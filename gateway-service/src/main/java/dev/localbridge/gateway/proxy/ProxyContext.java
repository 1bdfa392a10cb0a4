package dev.localbridge.gateway.proxy;

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

/** What every {@link ProxyExchange} needs, gathered once. */
public record ProxyContext(GatewayConfig config, TokenVerifier verifier, LocalTunnels tunnels, RateLimiter rateLimiter,
        TunnelMetrics metrics, Vertx vertx, RouteTimeouts timeouts, Ownership ownership, Relays relays,
        ClusterCredential credential, ForwardedHeaders forwarded, ProxiedHeaders proxied) {
}
