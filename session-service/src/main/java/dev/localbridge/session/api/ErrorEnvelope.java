package dev.localbridge.session.api;

/** The JSON error body every service answers with (docs/gateway.md, "Errors"): {@code {"error":{"code","message","requestId","timestamp"}}}. */
public record ErrorEnvelope(Error error) {

    /** One error. */
    public record Error(String code, String message, String requestId, String timestamp) {
    }
}
