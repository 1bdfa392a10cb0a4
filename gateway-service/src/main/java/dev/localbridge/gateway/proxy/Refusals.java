package dev.localbridge.gateway.proxy;

import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.ErrorResponses;
import dev.localbridge.gateway.failure.TunnelFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/** Answers a request with the error envelope before its body was read. */
public final class Refusals {

    private Refusals() {
    }

    /**
     * Sends the envelope. A body still unread is drained (so the connection stays usable), except after 413, where the
     * connection is closed rather than made to swallow an oversized body.
     */
    public static void refuse(HttpServerRequest request, TunnelFailure failure, String requestId, boolean bodyPending) {
        if (bodyPending && !request.isEnded()) {
            if (failure.code() == ErrorCode.PAYLOAD_TOO_LARGE) {
                request.response().headers().set(HttpHeaders.CONNECTION, "close");
            } else {
                request.handler(b -> { });
                request.resume();
            }
        }
        ErrorResponses.send(request.response(), failure, requestId);
    }
}
