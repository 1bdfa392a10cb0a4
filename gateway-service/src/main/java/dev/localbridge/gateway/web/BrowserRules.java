package dev.localbridge.gateway.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.localbridge.gateway.config.GatewayConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The browser rules of the public port, as one route ahead of every other (the agent endpoint is at -100, the proxy
 * at -50). For each request it registers the hook that finishes the answer's head: CORS under {@code /api/tunnel/}
 * ({@link Cors}), HSTS when configured, and the security headers of the gateway's own answers ({@link OwnAnswers}) —
 * for every answer not marked as proxied by {@link ProxiedHeaders#decorate}. CORS preflights under
 * {@code /api/tunnel/} are answered right here.
 */
@ApplicationScoped
class BrowserRules {

    static final int ORDER = -200;
    private static final String API = "/api/tunnel";

    private final Cors cors;
    private final String hsts;

    BrowserRules(GatewayConfig config) {
        this.cors = new Cors(config.web());
        this.hsts = config.web().hstsMaxAge().map(ms -> "max-age=" + ms / 1000).orElse(null);
    }

    void register(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String path = request.path();
        boolean api = path != null && (path.equals(API) || path.startsWith(API + "/"));
        ctx.addHeadersEndHandler(v -> finishHead(ctx, api));
        if (api && Cors.isPreflight(request)) {
            cors.answerPreflight(request);
            return;
        }
        ctx.next();
    }

    private void finishHead(RoutingContext ctx, boolean api) {
        MultiMap headers = ctx.response().headers();
        if (api) {
            cors.decorateActual(ctx.request(), headers);
        }
        if (hsts != null) {
            headers.set("Strict-Transport-Security", hsts);
        }
        if (!ProxiedHeaders.proxied(ctx)) {
            OwnAnswers.apply(headers);
        }
    }
}
