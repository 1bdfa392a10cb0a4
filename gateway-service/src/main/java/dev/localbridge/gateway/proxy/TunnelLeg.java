package dev.localbridge.gateway.proxy;

import java.util.List;
import java.util.Map;

import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.TunnelFailure;
import dev.localbridge.gateway.metrics.Outcome;
import dev.localbridge.gateway.tunnel.StreamListener;
import dev.localbridge.gateway.tunnel.TunnelConnection;
import dev.localbridge.gateway.tunnel.TunnelStream;
import dev.localbridge.protocol.Capabilities;
import dev.localbridge.protocol.Header;
import dev.localbridge.protocol.ResetReason;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * One request carried through a tunnel held by this replica, from opening the stream to the end of the caller's
 * answer. Serves a public caller ({@link ProxyExchange}) and another replica's relay call alike.
 *
 * <p>The request body flows with backpressure (the request is paused while the stream has no credit); what the agent
 * answers goes into the {@link CallerAnswer}, which holds it to HTTP's rules, and each body chunk's credit goes back
 * to the agent once the caller's write completed. A stream the agent refuses before anything was consumed or answered
 * fails the leg as {@link Misrouted}, so that the exchange can take another connection; so does a stream the agent
 * leaves unaccepted (see {@link #onNotAccepted()}).
 *
 * <p>Threading: everything here runs on the request's context; the tunnel hands its frames over to it (see
 * {@link TunnelStream}).
 */
public final class TunnelLeg implements Leg, StreamListener {

    private final ProxyContext proxy;
    private final CallerAnswer answer;
    private final HttpServerRequest request;
    private final TunnelConnection tunnel;
    private final String target;
    private final List<Header> headers;
    private final RequestBody body;
    private final Promise<Outcome> result = Promise.promise();

    private TunnelStream stream;
    private long timer = -1;
    private long acceptTimer = -1;
    private long bytesIn;
    private long bytesOut;
    private boolean requestEnded;
    private boolean sourceDone;

    /** A leg into {@code tunnel} for the request whose answer is {@code answer}; the request must be paused. */
    public TunnelLeg(ProxyContext proxy, CallerAnswer answer, HttpServerRequest request, TunnelConnection tunnel,
            String target, List<Header> headers, RequestBody body) {
        this.proxy = proxy;
        this.answer = answer;
        this.request = request;
        this.tunnel = tunnel;
        this.target = target;
        this.headers = headers;
        this.body = body;
    }

    @Override
    public Future<Outcome> carry() {
        if (answer.settled()) {
            return answer.outcome();
        }
        answer.attach(this::settled);
        try {
            stream = tunnel.open(Vertx.currentContext(), this, request.method().name(), target,
                    headers, !body.present());
        } catch (IllegalArgumentException e) {
            answer.fail(new TunnelFailure(ErrorCode.INVALID_REQUEST, "The request cannot be tunnelled: "
                    + e.getMessage()));
            return result.future();
        }
        if (stream == null) {
            answer.fail(new TunnelFailure(ErrorCode.TUNNEL_BUSY, "The tunnel has too many requests in flight",
                    Map.of("Retry-After", "1")));
            return result.future();
        }
        timer = proxy.vertx().setTimer(proxy.timeouts().forTarget(target), t -> onTimeout());
        if (tunnel.capabilities().contains(Capabilities.ACCEPT)) {
            acceptTimer = proxy.vertx().setTimer(proxy.config().streamAcceptTimeout(), t -> onNotAccepted());
        }
        if (body.present()) {
            answer.continueIfExpected();
            if (body.first() != null) {
                onRequestData(body.first());
            }
            request.handler(this::onRequestData);
            request.endHandler(v -> {
                requestEnded = true;
                if (!answer.settled()) {
                    stream.sendEnd();
                }
            });
            request.resume();
        } else {
            requestEnded = true;
        }
        return result.future();
    }

    private void onRequestData(Buffer data) {
        if (answer.settled()) {
            return;
        }
        bytesIn += data.length();
        if (bytesIn > proxy.config().maxRequestBodyBytes()) {
            stream.reset(ResetReason.PAYLOAD_TOO_LARGE, "request body above the limit");
            answer.fail(new TunnelFailure(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is above the limit of "
                    + proxy.config().maxRequestBodyBytes() + " bytes"));
            return;
        }
        if (!stream.sendBody(data)) {
            request.pause();
        }
    }

    @Override
    public void onWritable() {
        if (!requestEnded && !answer.settled()) {
            request.resume();
        }
    }

    @Override
    public void onResponseHead(int status, List<Header> responseHeaders, boolean endOfStream) {
        answer.head(status, responseHeaders);
        if (answer.headTaken()) {
            proxy.vertx().cancelTimer(timer);
        }
        if (endOfStream) {
            sourceDone = true;
            answer.end();
        }
    }

    @Override
    public void onResponseBody(byte[] data) {
        bytesOut += data.length;
        int n = data.length;
        answer.body(Buffer.buffer(data), v -> stream.consumed(n));
    }

    @Override
    public void onResponseEnd() {
        sourceDone = true;
        answer.end();
    }

    @Override
    public void onReset(ResetReason reason, String message) {
        sourceDone = true;
        if (reason == ResetReason.REFUSED_STREAM && !answer.headTaken() && bytesIn == 0 && !answer.settled()) {
            // Nothing was processed (the agent is moving to a new tunnel, or is full): another connection may take it.
            answer.detach();
            cleanUp();
            result.fail(Misrouted.byConnection(tunnel.id(), new TunnelFailure(ErrorCode.TUNNEL_BUSY,
                    "The desktop client refused the request")));
            return;
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
        answer.fail(new TunnelFailure(code, text));
    }

    @Override
    public void onTunnelClosed(String why) {
        sourceDone = true;
        answer.fail(new TunnelFailure(ErrorCode.TUNNEL_CLOSED, "The tunnel dropped during the request: " + why));
    }

    /**
     * The agent promised an {@code Accept} for every stream it takes and has not sent one: the stream may be lost in a
     * hung or hostile client. While nothing reached the caller and no request body was sent, another of the user's
     * connections on this replica takes it (the tunnel is now unresponsive, so it loses its turn in
     * {@code LocalTunnels.pick}); with no other connection, the request keeps waiting here until its timeout.
     */
    private void onNotAccepted() {
        acceptTimer = -1;
        if (answer.settled() || answer.headTaken() || stream.accepted() || bytesIn > 0 || !anotherConnection()) {
            return;
        }
        stream.reset(ResetReason.CANCEL, "not accepted within " + proxy.config().streamAcceptTimeout() + " ms");
        answer.detach();
        cleanUp();
        result.fail(Misrouted.byConnection(tunnel.id(), new TunnelFailure(ErrorCode.TUNNEL_BUSY,
                "The desktop client did not take the request")));
    }

    private boolean anotherConnection() {
        for (TunnelConnection other : proxy.tunnels().connections(tunnel.userId())) {
            if (other != tunnel && other.acceptsStreams() && !other.unresponsive()) {
                return true;
            }
        }
        return false;
    }

    private void onTimeout() {
        if (answer.settled() || answer.headTaken()) {
            return;
        }
        stream.reset(ResetReason.TIMEOUT, "no response head in time");
        answer.fail(new TunnelFailure(ErrorCode.REQUEST_TIMEOUT,
                "The desktop client did not answer within " + proxy.timeouts().forTarget(target) + " ms"));
    }

    /** The caller's answer is over: the stream too, and the agent learns why when it did not end it itself. */
    private void settled(Outcome outcome) {
        if (stream != null) {
            if (answer.violated()) {
                stream.reset(ResetReason.PROTOCOL_ERROR, "the answer broke HTTP's rules");
            } else if (!sourceDone && !answer.completeByLength()) {
                stream.reset(ResetReason.CANCEL, "the caller's answer is over");
            }
        }
        cleanUp();
        result.complete(outcome);
    }

    private void cleanUp() {
        if (timer >= 0) {
            proxy.vertx().cancelTimer(timer);
        }
        if (acceptTimer >= 0) {
            proxy.vertx().cancelTimer(acceptTimer);
        }
        if (stream != null) {
            stream.close();
        }
        proxy.metrics().bytesToAgent(bytesIn);
        proxy.metrics().bytesFromAgent(bytesOut);
    }
}
