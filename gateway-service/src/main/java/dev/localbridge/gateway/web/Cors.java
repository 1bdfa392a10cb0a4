package dev.localbridge.gateway.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import dev.localbridge.gateway.config.GatewayConfig;
import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.ErrorResponses;
import dev.localbridge.gateway.failure.TunnelFailure;
import dev.localbridge.protocol.HttpSyntax;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * CORS for {@code /api/tunnel/**}: only the configured origins ({@code TUNNEL_CORS_ORIGINS}), bearer tokens only.
 *
 * <p>Preflights are answered here, without a token and without reaching a tunnel. A requested header is allowed unless
 * the gateway itself owns it (hop-by-hop, {@code Host}, cookies, forwarding headers, {@code X-LocalBridge-*}): the
 * tunnel carries every other end-to-end header, and clients such as OpenAI's SDK send their own
 * ({@code X-Stainless-*}), so a fixed list would break them without protecting anything.
 * {@code Access-Control-Allow-Credentials} is never sent: the API takes bearer tokens, which a page must hold and send
 * itself, never cookies, so a browser's ambient credentials must not ride along.
 */
final class Cors {

    static final String ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
    static final String EXPOSED_HEADERS = "X-Request-Id, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining,"
            + " X-RateLimit-Reset";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Set<String> GATEWAY_HEADERS = Set.of("host", "cookie", "cookie2", "connection",
            "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "http2-settings",
            "forwarded", "x-real-ip", "expect", "content-length");

    private final Origins origins;
    private final long maxAgeSeconds;

    Cors(GatewayConfig.Web config) {
        this.origins = Origins.parse("TUNNEL_CORS_ORIGINS", config.corsOrigins());
        this.maxAgeSeconds = config.corsMaxAge() / 1000;
    }

    static boolean isPreflight(HttpServerRequest request) {
        return request.method() == HttpMethod.OPTIONS && request.getHeader("Origin") != null
                && request.getHeader("Access-Control-Request-Method") != null;
    }

    /** Answers a preflight: 204 with what the origin may do, or 403 with the error envelope. */
    void answerPreflight(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        String origin = request.getHeader("Origin");
        String method = request.getHeader("Access-Control-Request-Method").trim();
        if (!origins.allows(origin)) {
            refuse(response, "This origin may not call the tunnel API from a browser");
            return;
        }
        if (!METHODS.contains(method)) {
            refuse(response, "This method may not be used from a browser");
            return;
        }
        MultiMap headers = response.headers();
        headers.set("Access-Control-Allow-Origin", origin)
                .set("Access-Control-Allow-Methods", ALLOWED_METHODS)
                .set("Access-Control-Max-Age", Long.toString(maxAgeSeconds));
        List<String> allowed = allowedHeaders(request.getHeader("Access-Control-Request-Headers"));
        if (!allowed.isEmpty()) {
            headers.set("Access-Control-Allow-Headers", String.join(", ", allowed));
        }
        OwnAnswers.vary(headers, "Origin");
        OwnAnswers.vary(headers, "Access-Control-Request-Method");
        OwnAnswers.vary(headers, "Access-Control-Request-Headers");
        response.setStatusCode(204).end();
    }

    /** The CORS headers of an actual answer (proxied or the gateway's own) under {@code /api/tunnel/}. */
    void decorateActual(HttpServerRequest request, MultiMap headers) {
        if (origins.isEmpty()) {
            return;
        }
        // The answer depends on Origin whichever origin asked: a cache must not hand one origin's answer to another.
        OwnAnswers.vary(headers, "Origin");
        String origin = request.getHeader("Origin");
        if (origins.allows(origin)) {
            headers.set("Access-Control-Allow-Origin", origin);
            headers.set("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        }
    }

    private static List<String> allowedHeaders(String requested) {
        List<String> allowed = new ArrayList<>();
        if (requested == null) {
            return allowed;
        }
        for (String name : requested.split(",")) {
            String header = name.trim();
            String lower = header.toLowerCase(Locale.ROOT);
            if (HttpSyntax.isToken(header) && !GATEWAY_HEADERS.contains(lower)
                    && !lower.startsWith("x-forwarded-") && !lower.startsWith("x-localbridge-")
                    && !lower.startsWith("proxy-") && !lower.startsWith("sec-")) {
                allowed.add(header);
            }
        }
        return allowed;
    }

    private static void refuse(HttpServerResponse response, String message) {
        ErrorResponses.send(response, new TunnelFailure(ErrorCode.ORIGIN_NOT_ALLOWED, message),
                UUID.randomUUID().toString());
    }
}
