package dev.localbridge.gateway.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import dev.localbridge.gateway.config.GatewayConfig;
import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.TunnelFailure;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

/**
 * Which browser pages may open an agent WebSocket. A WebSocket is not subject to CORS, so a page on any site could
 * otherwise open a tunnel with a token it got hold of, or probe the endpoint. An upgrade without {@code Origin}
 * (agents that send none), or from the gateway's own origin ({@code Origin} naming the host the upgrade was sent to:
 * Vert.x' WebSocket client, which the LocalBridge agent uses, always sends that), goes on; so does one from an origin
 * in {@code TUNNEL_WS_ALLOWED_ORIGINS} (none by default). Everything else is refused with 403 before the 101. Pages
 * from users' machines served on the gateway's origin are sandboxed ({@link ProxiedHeaders}), so their origin is
 * {@code null}, not the gateway's.
 */
@ApplicationScoped
public class UpgradeOrigins {

    private final Origins allowed;

    UpgradeOrigins(GatewayConfig config) {
        this.allowed = Origins.parse("TUNNEL_WS_ALLOWED_ORIGINS", config.web().wsAllowedOrigins());
    }

    /** The refusal for an upgrade from a page whose origin is not allowed; {@code null} when it may go on. */
    public TunnelFailure refusal(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            // The drafts before RFC 6455 (WebSocket versions 7 and 8), which Vert.x still accepts, named it so.
            origin = request.getHeader("Sec-WebSocket-Origin");
        }
        if (origin == null || allowed.allows(origin) || sameOrigin(origin, request.authority())) {
            return null;
        }
        return new TunnelFailure(ErrorCode.ORIGIN_NOT_ALLOWED, "Browser pages may not open agent tunnels");
    }

    /**
     * Whether {@code origin} names the host and port the upgrade was sent to. The scheme is not compared: TLS usually
     * ends at the ingress. A {@code Host} without a port matches the origin's default port.
     */
    static boolean sameOrigin(String origin, HostAndPort authority) {
        if (authority == null) {
            return false;
        }
        try {
            URI uri = new URI(origin);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                return false;
            }
            int defaultPort = scheme.equals("https") ? 443 : 80;
            int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
            int hostPort = authority.port() < 0 ? defaultPort : authority.port();
            return unbracketed(uri.getHost()).equalsIgnoreCase(unbracketed(authority.host())) && originPort == hostPort;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
