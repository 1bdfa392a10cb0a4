package dev.localbridge.gateway.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import dev.localbridge.gateway.config.GatewayConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.WebServerRequest;

/**
 * The rules for answers that come from a user's machine, which the gateway serves on its own origin: they may not
 * act for that origin. So they get {@code X-Content-Type-Options: nosniff} and, by default, {@code
 * Content-Security-Policy: sandbox} (an HTML page runs in an opaque origin: no access to the gateway origin's storage,
 * and it cannot read other answers as same-origin), and lose the headers that set policy for the whole origin: {@code
 * Set-Cookie} (unless {@code TUNNEL_FORWARD_SET_COOKIE}), {@code Strict-Transport-Security}, {@code Clear-Site-Data},
 * {@code Access-Control-*} (CORS is the gateway's: {@code TUNNEL_CORS_ORIGINS}) and the gateway's own
 * {@code X-LocalBridge-*}. The local service's caching and content headers pass.
 *
 * <p>Calling {@link #decorate} is also what tells {@link BrowserRules} that an answer is proxied: every other answer
 * on the public port is the gateway's own and gets its security headers.
 */
@ApplicationScoped
public class ProxiedHeaders {

    private static final String PROXIED = ProxiedHeaders.class.getName();

    private final String csp;
    private final boolean forwardSetCookie;

    ProxiedHeaders(GatewayConfig config) {
        this.csp = config.web().proxiedCsp().map(String::trim).filter(v -> !v.isEmpty()).orElse(null);
        this.forwardSetCookie = config.web().forwardSetCookie();
    }

    /**
     * Applies the rules to {@code headers}, the tunnel's response head as copied onto the answer to {@code request},
     * and marks that answer as proxied. Idempotent, so that a relayed answer, decorated by the replica holding the
     * tunnel, may be decorated again by the replica the caller reached.
     */
    public void decorate(HttpServerRequest request, MultiMap headers) {
        List<String> dropped = new ArrayList<>();
        for (String name : headers.names()) {
            if (originWide(name.toLowerCase(Locale.ROOT))) {
                dropped.add(name);
            }
        }
        dropped.forEach(headers::remove);
        headers.set("X-Content-Type-Options", "nosniff");
        if (csp != null && !headers.getAll("Content-Security-Policy").contains(csp)) {
            // A second policy is enforced alongside the local service's own: both must allow what the page does.
            headers.add("Content-Security-Policy", csp);
        }
        if (request instanceof WebServerRequest web) {
            web.routingContext().put(PROXIED, Boolean.TRUE);
        }
    }

    /** Whether the answer of {@code ctx} was marked as coming from a user's machine. */
    static boolean proxied(RoutingContext ctx) {
        return ctx.get(PROXIED) != null;
    }

    private boolean originWide(String name) {
        return (name.equals("set-cookie") || name.equals("set-cookie2")) ? !forwardSetCookie
                : name.equals("strict-transport-security") || name.equals("clear-site-data")
                        || name.startsWith("access-control-") || name.startsWith("x-localbridge-");
    }
}
