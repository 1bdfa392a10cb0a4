package dev.localbridge.gateway.proxy;

import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.TunnelFailure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * Whether the caller's request has a body, however it is framed. HTTP/1.x says so in the head (a Content-Length, or a
 * Transfer-Encoding). An HTTP/2 request need not: it may send DATA frames without {@code content-length}, and only the
 * END_STREAM flag on its HEADERS frame says that nothing follows. Vert.x reports that flag as the request's end, which
 * a paused request has not delivered yet, so when the head does not tell, the request's first event is read: its end
 * (no body) or its first chunk, which is kept here and sent before the rest.
 */
public final class RequestBody {

    private static final RequestBody NONE = new RequestBody(false, 0, null);

    private final boolean present;
    private final long declaredLength;
    private final Buffer first;

    private RequestBody(boolean present, long declaredLength, Buffer first) {
        this.present = present;
        this.declaredLength = declaredLength;
        this.first = first;
    }

    /** Decides from the head when it can, else reads the paused request's first event (and pauses it again). */
    public static Future<RequestBody> read(HttpServerRequest request) {
        long declared = declaredLength(request);
        if (declared >= 0) {
            return Future.succeededFuture(declared > 0 ? new RequestBody(true, declared, null) : NONE);
        }
        if (request.version() != HttpVersion.HTTP_2) {
            return Future.succeededFuture(request.headers().contains(HttpHeaders.TRANSFER_ENCODING)
                    ? new RequestBody(true, -1, null) : NONE);
        }
        if (expectsContinue(request)) {
            return Future.succeededFuture(new RequestBody(true, -1, null)); // it waits for our 100 before any DATA
        }
        if (request.isEnded()) {
            return Future.succeededFuture(NONE);
        }
        Promise<RequestBody> decided = Promise.promise();
        request.handler(chunk -> {
            request.pause();
            request.handler(null);
            request.endHandler(null);
            decided.tryComplete(new RequestBody(true, -1, chunk));
        });
        request.endHandler(v -> decided.tryComplete(NONE));
        request.exceptionHandler(e -> decided.tryFail(
                new TunnelFailure(ErrorCode.INVALID_REQUEST, "The request body could not be read")));
        request.resume();
        return decided.future();
    }

    /** The declared Content-Length, or -1 when there is none (or it is not a number: HTTP/1 refuses those itself). */
    static long declaredLength(HttpServerRequest request) {
        String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether the caller waits for {@code 100 Continue} before it sends its body. */
    static boolean expectsContinue(HttpServerRequest request) {
        return request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true);
    }

    /** Whether a body follows the head. */
    boolean present() {
        return present;
    }

    /** The body's announced length, or -1 when it is not announced. */
    long declaredLength() {
        return declaredLength;
    }

    /** The bytes read to find out whether there is a body, to be sent first; {@code null} when none were. */
    Buffer first() {
        return first;
    }
}
