package dev.localbridge.gateway.failure;

import java.util.Map;

/**
 * A request the tunnel cannot serve, with its meaning. Mapped once to the JSON error envelope by {@link ErrorResponses}.
 * Carries no stack trace: it is an answer, not a bug.
 */
public final class TunnelFailure extends RuntimeException {

    private final ErrorCode code;
    private final Map<String, String> headers;

    public TunnelFailure(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public TunnelFailure(ErrorCode code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public ErrorCode code() {
        return code;
    }

    /** Extra response headers, such as {@code Retry-After}. */
    public Map<String, String> headers() {
        return headers;
    }
}
