package dev.localbridge.gateway.proxy;

import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.TunnelFailure;
import dev.localbridge.gateway.metrics.Outcome;
import dev.localbridge.gateway.tunnel.StreamListener;
import dev.localbridge.gateway.tunnel.TunnelConnection;
import dev.localbridge.gateway.tunnel.TunnelStream;
import dev.localbridge.protocol.Header;
import dev.localbridge.protocol.HopByHop;
import dev.localbridge.protocol.ResetReason;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * One request carried through a tunnel held by this replica, from opening the stream to the last byte of the response.
 * Serves a public caller ({@link ProxyExchange}) and another replica's relay call alike.
 *
 * <p>Threading: everything here runs on the request's context; the tunnel hands its frames over to it (see
 * {@link TunnelStream}). Request body flows with backpressure (the request is paused while the stream has no credit);
 * response body is written as each chunk arrives and its credit goes back to the agent once the write completed.
 */
public final class TunnelLeg implements StreamListener {

    private static final Logger LOG = Logger.getLogger(TunnelLeg.class);

    private final ProxyContext proxy;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Context context;
    private final String requestId;
    private final String target;
    private final LegOwner owner;

    private TunnelStream stream;
    private TunnelConnection tunnel;
    private long timer = -1;
    private boolean headReceived;
    private long bytesIn;
    private long bytesOut;
    private boolean requestEnded;
    private boolean finished;
    private boolean headPending;
    private Buffer heldBody;
    private boolean flushScheduled;

    public TunnelLeg(ProxyContext proxy, HttpServerRequest request, String requestId, String target, LegOwner owner) {
        this.proxy = proxy;
        this.request = request;
        this.response = request.response();
        this.context = Vertx.currentContext();
        this.requestId = requestId;
        this.target = target;
        this.owner = owner;
    }

    /** Opens the stream with {@code headers} and starts pumping; the request must be paused. */
    public void start(TunnelConnection tunnel, List<Header> headers) {
        this.tunnel = tunnel;
        boolean hasBody = hasBody(request);
        try {
            stream = tunnel.open(context, this, request.method().name(), target, headers, !hasBody);
        } catch (IllegalArgumentException e) {
            fail(new TunnelFailure(ErrorCode.INVALID_REQUEST, "The request cannot be tunnelled: " + e.getMessage()));
            return;
        }
        if (stream == null) {
            fail(new TunnelFailure(ErrorCode.TUNNEL_BUSY, "The tunnel has too many requests in flight",
                    Map.of("Retry-After", "1")));
            return;
        }
        CallerConnection.onClose(response, () -> finish(Outcome.SUCCESS), this::onCallerGone);
        timer = proxy.vertx().setTimer(proxy.timeouts().forTarget(target), t -> onTimeout());
        if (hasBody) {
            request.handler(this::onRequestData);
            request.endHandler(v -> {
                requestEnded = true;
                if (!finished) {
                    stream.sendEnd();
                }
            });
        } else {
            requestEnded = true;
        }
        request.resume();
    }

    /** Whether a request carries a body: a positive Content-Length, or a transfer coding. */
    static boolean hasBody(HttpServerRequest request) {
        long declared = declaredLength(request);
        return declared > 0 || (declared < 0 && request.headers().contains(HttpHeaders.TRANSFER_ENCODING));
    }

    /** The declared Content-Length, or -1. */
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

    private void onRequestData(Buffer data) {
        if (finished) {
            return;
        }
        bytesIn += data.length();
        if (bytesIn > proxy.config().maxRequestBodyBytes()) {
            stream.reset(ResetReason.PAYLOAD_TOO_LARGE, "request body above the limit");
            failOrAbort(new TunnelFailure(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is above the limit of "
                    + proxy.config().maxRequestBodyBytes() + " bytes"));
            return;
        }
        if (!stream.sendBody(data)) {
            request.pause();
        }
    }

    @Override
    public void onWritable() {
        if (!requestEnded && !finished) {
            request.resume();
        }
    }

    @Override
    public void onResponseHead(int status, List<Header> headers, boolean endOfStream) {
        if (finished) {
            return;
        }
        headReceived = true;
        proxy.vertx().cancelTimer(timer);
        response.setStatusCode(status);
        for (Header h : headers) {
            if (!HopByHop.isHopByHop(h.name())) {
                response.headers().add(h.name(), h.value());
            }
        }
        proxy.proxied().decorate(request, response.headers()); // web: the rules for answers from a user's machine
        if (!response.headers().contains("X-Request-Id")) {
            response.headers().set("X-Request-Id", requestId);
        }
        owner.headSent();
        if (endOfStream) {
            response.end();
            finish(Outcome.SUCCESS);
            return;
        }
        if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            response.setChunked(true);
        }
        // The head goes out at the end of this event-loop turn at the latest (a caller sees the status before the
        // first token), together with the body and the end when they arrived in the same turn: one write, not three.
        headPending = true;
        scheduleFlush();
    }

    @Override
    public void onResponseBody(byte[] data) {
        if (finished) {
            return;
        }
        bytesOut += data.length;
        if (heldBody != null) {
            writeHeld();
        }
        heldBody = Buffer.buffer(data);
        scheduleFlush();
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            context.runOnContext(v -> {
                flushScheduled = false;
                if (finished) {
                    return;
                }
                if (heldBody != null) {
                    writeHeld();
                } else if (headPending) {
                    headPending = false;
                    response.writeHead();
                }
            });
        }
    }

    private void writeHeld() {
        Buffer chunk = heldBody;
        heldBody = null;
        headPending = false;
        int n = chunk.length();
        response.write(chunk).onSuccess(v -> stream.consumed(n));
    }

    @Override
    public void onResponseEnd() {
        if (finished) {
            return;
        }
        Buffer last = heldBody;
        heldBody = null;
        headPending = false;
        if (last != null) {
            response.end(last);
        } else {
            response.end();
        }
        finish(Outcome.SUCCESS);
    }

    @Override
    public void onReset(ResetReason reason, String message) {
        if (reason == ResetReason.REFUSED_STREAM && !headReceived && bytesIn == 0 && !finished) {
            // The agent did not take the stream (it is moving to a new tunnel, or is full): nothing was processed,
            // so another connection may take it.
            finished = true;
            proxy.vertx().cancelTimer(timer);
            if (owner.reroute(null, tunnel.id())) {
                return;
            }
            finished = false;
        }
        ErrorCode code = switch (reason) {
            case UPSTREAM_UNAVAILABLE -> ErrorCode.UPSTREAM_UNAVAILABLE;
            case TIMEOUT -> ErrorCode.REQUEST_TIMEOUT;
            case REFUSED_STREAM -> ErrorCode.TUNNEL_BUSY;
            case PAYLOAD_TOO_LARGE -> ErrorCode.PAYLOAD_TOO_LARGE;
            case FORBIDDEN -> ErrorCode.INVALID_REQUEST;
            case CANCEL, PROTOCOL_ERROR, FLOW_CONTROL_ERROR, INTERNAL_ERROR -> ErrorCode.TUNNEL_CLOSED;
        };
        String text = message == null || message.isBlank() ? "The desktop client abandoned the request" : message;
        failOrAbort(new TunnelFailure(code, text));
    }

    @Override
    public void onTunnelClosed(String why) {
        failOrAbort(new TunnelFailure(ErrorCode.TUNNEL_CLOSED, "The tunnel dropped during the request: " + why));
    }

    private void onTimeout() {
        if (finished || headReceived) {
            return;
        }
        stream.reset(ResetReason.TIMEOUT, "no response head in time");
        fail(new TunnelFailure(ErrorCode.REQUEST_TIMEOUT,
                "The desktop client did not answer within " + proxy.timeouts().forTarget(target) + " ms"));
    }

    private void onCallerGone() {
        if (finished) {
            return;
        }
        LOG.debugf("request %s: caller went away, cancelling stream", requestId);
        stream.reset(ResetReason.CANCEL, "the caller went away");
        finish(Outcome.CANCELLED);
    }

    /** Answers with the error envelope if nothing was sent yet; otherwise cuts the response so the caller sees it. */
    private void failOrAbort(TunnelFailure failure) {
        if (finished) {
            return;
        }
        if (headReceived || response.headWritten()) {
            // The local service's head was taken (perhaps not yet written): an envelope now would contradict it.
            LOG.debugf("request %s: aborting a started response: %s", requestId, failure.getMessage());
            response.reset();
            finish(Outcome.BROKEN);
        } else {
            fail(failure);
        }
    }

    private void fail(TunnelFailure failure) {
        if (finished) {
            return;
        }
        if (stream != null) {
            stream.close();
        }
        Refusals.refuse(request, failure, requestId, !requestEnded);
        finish(Outcome.of(failure.code()));
    }

    private void finish(Outcome outcome) {
        if (finished) {
            return;
        }
        finished = true;
        if (timer >= 0) {
            proxy.vertx().cancelTimer(timer);
        }
        if (stream != null) {
            stream.close();
        }
        proxy.metrics().bytesToAgent(bytesIn);
        proxy.metrics().bytesFromAgent(bytesOut);
        owner.finished(outcome);
    }
}
