package dev.localbridge.gateway.failure;

import java.time.Instant;
import java.util.Map;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * The JSON error envelope (docs/gateway.md, "Errors"): {@code {"error":{"code","message","requestId","timestamp"}}}.
 */
public final class ErrorResponses {

    /** Names the error code of an envelope, so that a relaying replica can count the outcome without parsing JSON. */
    public static final String ERROR_HEADER = "X-LocalBridge-Error";

    private ErrorResponses() {
    }

    /** The envelope as JSON text. */
    public static String body(ErrorCode code, String message, String requestId) {
        JsonObject error = new JsonObject()
                .put("code", code.name())
                .put("message", message)
                .put("requestId", requestId)
                .put("timestamp", Instant.now().toString());
        return new JsonObject().put("error", error).encode();
    }

    /** Headers every error of this code carries, besides the failure's own. */
    public static Map<String, String> standardHeaders(ErrorCode code) {
        return code.status() == 401 ? Map.of("WWW-Authenticate", "Bearer realm=\"localbridge\"") : Map.of();
    }

    /** Ends {@code response} with the envelope, unless the head has already been sent. Returns whether it did. */
    public static boolean send(HttpServerResponse response, TunnelFailure failure, String requestId) {
        if (response.headWritten() || response.ended() || response.closed()) {
            return false;
        }
        response.setStatusCode(failure.code().status());
        response.headers()
                .set(HttpHeaders.CONTENT_TYPE, "application/json")
                .set(HttpHeaders.CACHE_CONTROL, "no-store")
                .set("X-Request-Id", requestId)
                .set(ERROR_HEADER, failure.code().name());
        standardHeaders(failure.code()).forEach(response.headers()::set);
        failure.headers().forEach(response.headers()::set);
        response.end(body(failure.code(), failure.getMessage(), requestId));
        return true;
    }
}
