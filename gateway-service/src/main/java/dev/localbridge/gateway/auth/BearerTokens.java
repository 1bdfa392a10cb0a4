package dev.localbridge.gateway.auth;

import dev.localbridge.protocol.TunnelProtocol;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/** Where a bearer token can come from. */
public final class BearerTokens {

    private BearerTokens() {
    }

    /** The token of an {@code Authorization: Bearer} header, or {@code null}. */
    public static String fromAuthorization(HttpServerRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    /**
     * The token of a WebSocket upgrade: the {@code Authorization} header, else the entry that follows
     * {@code bearer-token-carrier} in {@code Sec-WebSocket-Protocol}, else the {@code token} query parameter.
     */
    public static String fromUpgrade(HttpServerRequest request) {
        String token = fromAuthorization(request);
        if (token != null) {
            return token;
        }
        String protocols = request.getHeader("Sec-WebSocket-Protocol");
        if (protocols != null) {
            String[] offered = protocols.split(",");
            for (int i = 0; i + 1 < offered.length; i++) {
                if (offered[i].trim().equals(TunnelProtocol.BEARER_TOKEN_CARRIER)) {
                    return offered[i + 1].trim();
                }
            }
        }
        return request.getParam("token");
    }

    /** {@code uri} with the value of any {@code token=} parameter replaced, for logs. */
    public static String redact(String uri) {
        return uri == null ? null : uri.replaceAll("(?i)(token=)[^&]*", "$1***");
    }
}
