package dev.localbridge.agent;

import dev.localbridge.protocol.Frame;
import dev.localbridge.protocol.ResetReason;
import dev.localbridge.protocol.TunnelProtocol;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries one tunnel stream (one HTTP exchange) to the local target and back, honouring flow control both ways:
 *
 * <ul>
 *   <li>request body: the gateway may send {@link TunnelProtocol#INITIAL_WINDOW_BYTES} ahead; credit is granted back
 *       ({@link Frame.WindowUpdate}) only once a chunk has been written to the target, and held back while the local
 *       request's write queue is full. Chunks that arrive before the target connection is open wait in a queue that
 *       the same credit bounds.</li>
 *   <li>response body: sent in chunks of at most {@link TunnelProtocol#MAX_CHUNK_BYTES} while the gateway's credit
 *       lasts; the local response is paused when it runs out and resumed on {@link Frame.WindowUpdate}. At most one
 *       received buffer waits here.</li>
 * </ul>
 *
 * <p>Confined to the tunnel's event loop; no locking.
 */
final class StreamForwarder {

    private static final Logger LOG = Logger.getLogger(StreamForwarder.class.getName());

    private final String connectionId;
    private final int id;
    private final Frame.RequestHead head;
    private final FrameSink out;
    private final Consumer<StreamForwarder> onClosed;

    private HttpClientRequest request;
    private final ArrayDeque<Buffer> early = new ArrayDeque<>();
    private boolean requestEnded;
    private int receiveWindow = TunnelProtocol.INITIAL_WINDOW_BYTES;
    private int ungranted;

    private HttpClientResponse response;
    private long sendCredit = TunnelProtocol.INITIAL_WINDOW_BYTES;
    private Buffer pending;
    private boolean flushScheduled;
    private boolean paused;
    private boolean responseEnded;

    private boolean closed;

    StreamForwarder(String connectionId, Frame.RequestHead head, FrameSink out, Consumer<StreamForwarder> onClosed) {
        this.connectionId = connectionId;
        this.id = head.streamId();
        this.head = head;
        this.out = out;
        this.onClosed = onClosed;
        this.requestEnded = head.endOfStream();
    }

    int id() {
        return id;
    }

    /** Opens the local request; refused targets are reset with FORBIDDEN at once. */
    void start(LocalTarget target) {
        try {
            target.open(head).onComplete(this::onRequestOpened);
        } catch (TargetPath.RefusedException e) {
            LOG.info(() -> "[" + connectionId + "#" + id + "] refused " + head.method() + " target: " + e.getMessage());
            fail(ResetReason.FORBIDDEN, e.getMessage());
        } catch (IllegalArgumentException e) {
            fail(ResetReason.FORBIDDEN, "request refused: " + e.getMessage());
        }
    }

    private void onRequestOpened(AsyncResult<HttpClientRequest> ar) {
        if (ar.failed()) {
            fail(ResetReason.UPSTREAM_UNAVAILABLE, "cannot reach the local target: " + describe(ar.cause()));
            return;
        }
        HttpClientRequest req = ar.result();
        if (closed) {
            req.reset();
            return;
        }
        request = req;
        req.exceptionHandler(e -> fail(ResetReason.UPSTREAM_UNAVAILABLE,
                "local target connection failed: " + describe(e)));
        req.response().onComplete(this::onResponse);
        if (!requestEnded || !early.isEmpty()) {
            if (!req.headers().contains("Content-Length")) {
                req.setChunked(true);
            }
        }
        boolean headSent = !early.isEmpty();
        while (!early.isEmpty() && !closed) {
            write(early.poll());
        }
        if (closed) {
            return;
        }
        if (requestEnded) {
            req.end();
        } else if (!headSent) {
            // Let the target see the request (and maybe answer) before the first body chunk arrives.
            req.sendHead();
        }
    }

    /** A request body chunk from the gateway. */
    void onRequestBody(byte[] data) {
        if (closed) {
            return;
        }
        if (requestEnded) {
            fail(ResetReason.PROTOCOL_ERROR, "request body after the end of the request");
            return;
        }
        receiveWindow -= data.length;
        if (receiveWindow < 0) {
            fail(ResetReason.FLOW_CONTROL_ERROR, "request body beyond the granted credit");
            return;
        }
        Buffer chunk = Buffer.buffer(data);
        if (request == null) {
            early.add(chunk);
        } else {
            write(chunk);
        }
    }

    private void write(Buffer chunk) {
        int n = chunk.length();
        request.write(chunk).onSuccess(v -> written(n));
    }

    private void written(int n) {
        if (closed) {
            return;
        }
        ungranted += n;
        if (request.writeQueueFull()) {
            request.drainHandler(v -> grant());
        } else {
            grant();
        }
    }

    private void grant() {
        if (closed || ungranted == 0 || requestEnded) {
            return;
        }
        receiveWindow += ungranted;
        out.send(new Frame.WindowUpdate(id, ungranted));
        ungranted = 0;
    }

    /** The gateway finished the request body. */
    void onRequestEnd() {
        if (closed) {
            return;
        }
        if (requestEnded) {
            fail(ResetReason.PROTOCOL_ERROR, "request ended twice");
            return;
        }
        requestEnded = true;
        if (request != null) {
            request.end();
        }
    }

    private void onResponse(AsyncResult<HttpClientResponse> ar) {
        if (closed) {
            return;
        }
        if (ar.failed()) {
            fail(ResetReason.UPSTREAM_UNAVAILABLE, "local target failed before answering: " + describe(ar.cause()));
            return;
        }
        response = ar.result();
        boolean noBody = head.method().equalsIgnoreCase(HttpMethod.HEAD.name()) || response.statusCode() == 204
                || response.statusCode() == 304 || "0".equals(response.getHeader("Content-Length"));
        out.send(new Frame.ResponseHead(id, response.statusCode(), HeaderFilter.toGateway(response.headers()),
                noBody));
        if (noBody) {
            finish();
            return;
        }
        response.exceptionHandler(e -> fail(ResetReason.UPSTREAM_UNAVAILABLE,
                "local target connection failed mid-response: " + describe(e)));
        response.handler(this::onResponseData);
        response.endHandler(v -> {
            responseEnded = true;
            flush();
        });
    }

    /**
     * Collects what the target sends within one event-loop turn (Netty hands over several reads per turn) into one
     * frame of up to {@link TunnelProtocol#MAX_CHUNK_BYTES}, so that a fast download costs few frames; a streamed token
     * still leaves at the end of the turn that read it.
     */
    private void onResponseData(Buffer data) {
        if (closed) {
            return;
        }
        if (pending == null) {
            pending = Buffer.buffer(Math.max(data.length(), 16 * 1024)).appendBuffer(data);
        } else {
            pending.appendBuffer(data);
        }
        if (pending.length() >= TunnelProtocol.MAX_CHUNK_BYTES) {
            flush();
        } else if (!flushScheduled) {
            flushScheduled = true;
            Vertx.currentContext().runOnContext(v -> {
                flushScheduled = false;
                flush();
            });
        }
    }

    /** Credit from the gateway for the response body. */
    void onWindowUpdate(int increment) {
        if (closed) {
            return;
        }
        if (increment <= 0 || sendCredit + increment > Integer.MAX_VALUE) {
            fail(ResetReason.FLOW_CONTROL_ERROR, "invalid window update " + increment);
            return;
        }
        sendCredit += increment;
        flush();
    }

    private void flush() {
        while (pending != null && sendCredit > 0 && !closed) {
            int n = (int) Math.min(Math.min(pending.length(), TunnelProtocol.MAX_CHUNK_BYTES), sendCredit);
            out.send(new Frame.ResponseBody(id, pending.getBytes(0, n)));
            sendCredit -= n;
            pending = n == pending.length() ? null
                    : Buffer.buffer(pending.length() - n).appendBuffer(pending, n, pending.length() - n);
        }
        if (closed || response == null) {
            return;
        }
        if (pending != null) {
            if (!paused) {
                paused = true;
                response.pause();
            }
        } else if (responseEnded) {
            out.send(new Frame.ResponseEnd(id));
            finish();
        } else if (paused) {
            paused = false;
            response.resume();
        }
    }

    /** The gateway reset the stream (CANCEL, TIMEOUT or any other reason): abort the local request at once. */
    void onReset(Frame.Reset reset) {
        if (closed) {
            return;
        }
        LOG.fine(() -> "[" + connectionId + "#" + id + "] reset by gateway: " + reset.reason() + " "
                + reset.message());
        abort();
    }

    /** The tunnel is gone: abort the local request without sending anything. */
    void abort() {
        if (closed) {
            return;
        }
        closed = true;
        if (request != null) {
            // On HTTP/1.1 this closes the target connection, which is what makes Ollama stop generating.
            request.reset();
        }
        release();
    }

    private void fail(ResetReason reason, String message) {
        if (closed) {
            return;
        }
        LOG.log(reason == ResetReason.FORBIDDEN ? Level.FINE : Level.INFO,
                () -> "[" + connectionId + "#" + id + "] " + head.method() + " reset " + reason + ": " + message);
        out.send(new Frame.Reset(id, reason, message));
        abort();
    }

    private void finish() {
        closed = true;
        if (request != null && !requestEnded) {
            // The target answered before the gateway finished the body; the rest is not needed.
            request.reset();
        }
        release();
    }

    private void release() {
        early.clear();
        pending = null;
        onClosed.accept(this);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
