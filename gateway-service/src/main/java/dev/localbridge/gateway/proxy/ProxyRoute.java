package dev.localbridge.gateway.proxy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.ErrorResponses;
import dev.localbridge.gateway.failure.TunnelFailure;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code ANY /api/tunnel/{userId}/{path}}: the hot path. A raw Vert.x route (no JAX-RS), so that bodies stream in both
 * directions with backpressure and nothing is buffered whole. The reserved first segments {@code health},
 * {@code status} and {@code metrics} fall through to the JSON resources.
 */
@ApplicationScoped
class ProxyRoute {

    static final String PREFIX = "/api/tunnel/";
    private static final Set<String> RESERVED = Set.of("health", "status", "metrics");

    private final ProxyContext proxy;

    ProxyRoute(ProxyContexts contexts) {
        this.proxy = contexts.context();
    }

    void register(@Observes Router router) {
        router.route(PREFIX + "*").order(-50).handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        String path = ctx.request().path();
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String rawUser = slash < 0 ? rest : rest.substring(0, slash);
        if (RESERVED.contains(rawUser)) {
            ctx.next();
            return;
        }
        String requestId = ProxyExchange.requestId(ctx.request());
        String userId;
        try {
            userId = URLDecoder.decode(rawUser.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            userId = "";
        }
        if (userId.isEmpty()) {
            ErrorResponses.send(ctx.response(), new TunnelFailure(ErrorCode.NOT_FOUND,
                    "Use /api/tunnel/{userId}/{path}"), requestId);
            return;
        }
        String target = slash < 0 ? "/" : rest.substring(slash);
        String query = ctx.request().query();
        if (query != null) {
            target = target + "?" + query;
        }
        new ProxyExchange(proxy, ctx.request(), requestId, userId, target).start();
    }
}
