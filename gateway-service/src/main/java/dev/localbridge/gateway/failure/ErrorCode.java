package dev.localbridge.gateway.failure;

/** The errors the tunnel itself produces, with the HTTP status each maps to (docs/gateway.md, "Errors"). */
public enum ErrorCode {
    AUTH_TOKEN_MISSING(401),
    AUTH_TOKEN_INVALID(401),
    AUTH_TOKEN_EXPIRED(401),
    TUNNEL_ACCESS_DENIED(403),
    /** A browser page from an origin that is not configured (CORS preflight, agent WebSocket upgrade). */
    ORIGIN_NOT_ALLOWED(403),
    INVALID_REQUEST(400),
    NOT_FOUND(404),
    PAYLOAD_TOO_LARGE(413),
    RATE_LIMIT_EXCEEDED(429),
    TOO_MANY_CONNECTIONS(429),
    /** Relay only: this replica does not hold the connection (or not at that epoch); the caller re-routes. */
    MISDIRECTED(421),
    UPSTREAM_UNAVAILABLE(502),
    TUNNEL_CLOSED(502),
    DESKTOP_CLIENT_DISCONNECTED(503),
    TUNNEL_BUSY(503),
    ROUTING_UNAVAILABLE(503),
    /** Agent upgrade refused because this replica is draining (shutting down); the agent connects elsewhere. */
    GATEWAY_DRAINING(503),
    REQUEST_TIMEOUT(504);

    private final int status;

    ErrorCode(int status) {
        this.status = status;
    }

    /** The HTTP status a caller sees. */
    public int status() {
        return status;
    }

    /** True for the failures that count as a timeout in the success and timeout rates. */
    public boolean isTimeout() {
        return this == REQUEST_TIMEOUT;
    }
}
