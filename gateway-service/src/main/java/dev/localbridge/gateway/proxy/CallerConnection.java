package dev.localbridge.gateway.proxy;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * What the caller's connection closing means for an answer, decided in one place for both legs. A close is not
 * always a caller who went away: an HTTP/2 stream (h2c, as the JDK client asks for) closes as soon as the response
 * ends, and a client like curl hangs up as soon as it has read the Content-Length bytes, often before the end of the
 * answer has reached the gateway. Both are delivered answers.
 */
final class CallerConnection {

    private CallerConnection() {
    }

    /**
     * Calls {@code delivered} or {@code gone} when the caller's connection closes, unless the response has already
     * ended (the leg then records its own outcome, which may be an error it just answered with).
     */
    static void onClose(HttpServerResponse response, Runnable delivered, Runnable gone) {
        response.closeHandler(v -> {
            if (!response.ended()) {
                settled(response, delivered, gone);
            }
        });
    }

    /**
     * Whether the caller's side explains the end of an answer, calling {@code delivered} (every announced byte
     * written) or {@code gone} (its connection closed before that). A failure seen while reading or writing a body
     * may be the caller's doing and may arrive before the close handler runs: a leg asks this first.
     */
    static boolean settled(HttpServerResponse response, Runnable delivered, Runnable gone) {
        if (delivered(response)) {
            delivered.run();
            return true;
        }
        if (response.closed()) {
            gone.run();
            return true;
        }
        return false;
    }

    /** Whether the response announced a Content-Length and all of it has been written to the caller. */
    static boolean delivered(HttpServerResponse response) {
        String declared = response.headers().get(HttpHeaders.CONTENT_LENGTH);
        if (declared == null || !response.headWritten()) {
            return false;
        }
        try {
            return response.bytesWritten() >= Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
