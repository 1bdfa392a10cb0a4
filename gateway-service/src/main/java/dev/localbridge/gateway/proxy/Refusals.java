package dev.localbridge.gateway.proxy;

import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.ErrorResponses;
import dev.localbridge.gateway.failure.TunnelFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/** Answers a request with the error envelope while its body may still be unread. */
final class Refusals {

    private Refusals() {
    }

    /**
     * Sends the envelope. A body still unread is drained, so that an HTTP/1.1 connection stays usable, unless it should
     * not be read at all: after 413 (an oversized body), or when the caller waits for a {@code 100 Continue} it was not
     * sent ({@code bodyInvited} false) and may send its next request instead of the body. Such an HTTP/1.1 connection
     * is closed after the answer; an HTTP/2 stream ends with it.
     */
    static void refuse(HttpServerRequest request, TunnelFailure failure, String requestId, boolean bodyInvited) {
        if (!request.isEnded()) {
            boolean unwanted = failure.code() == ErrorCode.PAYLOAD_TOO_LARGE
                    || (!bodyInvited && RequestBody.expectsContinue(request));
            if (!unwanted) {
                request.handler(b -> { });
                request.resume();
            } else if (request.version() != HttpVersion.HTTP_2) {
                request.response().headers().set(HttpHeaders.CONNECTION, "close");
            }
        }
        ErrorResponses.send(request.response(), failure, requestId);
    }
}
