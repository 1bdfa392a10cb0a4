package dev.localbridge.gateway.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jboss.logging.Logger;

import dev.localbridge.gateway.auth.BearerTokens;
import dev.localbridge.gateway.auth.VerifiedToken;
import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.ErrorResponses;
import dev.localbridge.gateway.failure.TunnelFailure;
import dev.localbridge.gateway.metrics.Outcome;
import dev.localbridge.gateway.ratelimit.RateLimiter;
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
 * One caller's request through a tunnel, from authorization to the last byte of the response.
 *
 * <p>Threading: everything here runs on the caller's request context; the tunnel hands its frames over to it (see
 * {@link TunnelStream}). Request body flows with backpressure (the caller is paused while the stream has no credit);
 * response body is written as each chunk arrives and its credit goes back to the agent once the write completed.
 */
final class ProxyExchange implements StreamListener {

    private static final Logger LOG = Logger.getLogger(ProxyExchange.class);
    private static final Set<String> NOT_FORWARDED = Set.of("authorization", "host");

    private final ProxyContext proxy;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Context context;
    private final String requestId;
    private final String userId;
    private final String target;
    private final long startNanos = System.nanoTime();

    private TunnelStream stream;
    private long timer = -1;
    private long headNanos = -1;
    private long bytesIn;
    private long bytesOut;
    private boolean requestEnded;
    private boolean finished;

    ProxyExchange(ProxyContext proxy, HttpServerRequest request, String requestId, String userId, String target) {
        this.proxy = proxy;
        this.request = request;
        this.response = request.response();
        this.context = Vertx.currentContext();
        this.requestId = requestId;
        this.userId = userId;
        this.target = target;
    }

    /** The caller's {@code X-Request-Id} when it is sane, else a new one. */
    static String requestId(HttpServerRequest request) {
        String given = request.getHeader("X-Request-Id");
        if (given != null && given.length() <= 128 && given.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            return given;
        }
        return UUID.randomUUID().toString();
    }

    void start() {
        request.pause();
        response.closeHandler(v -> onCallerGone());
        proxy.verifier().verify(BearerTokens.fromAuthorization(request)).onComplete(verified -> {
            if (verified.failed()) {
                fail(verified.cause() instanceof TunnelFailure f ? f
                        : new TunnelFailure(ErrorCode.AUTH_TOKEN_INVALID, "The bearer token could not be verified"));
            } else {
                authorized(verified.result());
            }
        });
    }

    private void authorized(VerifiedToken token) {
        if (finished) {
            return;
        }
        if (!token.userId().equals(userId)) {
            fail(new TunnelFailure(ErrorCode.TUNNEL_ACCESS_DENIED, "This token may not use another user's tunnel"));
            return;
        }
        RateLimiter.Decision decision = proxy.rateLimiter().tryAcquire(userId);
        if (!decision.allowed()) {
            long retryAfter = Math.max(1, decision.resetEpochSeconds() - System.currentTimeMillis() / 1000);
            fail(new TunnelFailure(ErrorCode.RATE_LIMIT_EXCEEDED, "Too many requests for this tunnel; retry later",
                    Map.of("Retry-After", Long.toString(retryAfter),
                            "X-RateLimit-Limit", Integer.toString(decision.limit()),
                            "X-RateLimit-Remaining", "0",
                            "X-RateLimit-Reset", Long.toString(decision.resetEpochSeconds()))));
            return;
        }
        long declared = declaredLength();
        if (declared > proxy.config().maxRequestBodyBytes()) {
            fail(tooLarge());
            return;
        }
        TunnelConnection tunnel = proxy.tunnels().pick(userId);
        if (tunnel == null) {
            fail(new TunnelFailure(ErrorCode.DESKTOP_CLIENT_DISCONNECTED,
                    "No desktop client is connected for this user"));
            return;
        }
        boolean hasBody = declared > 0 || (declared < 0 && request.headers().contains(HttpHeaders.TRANSFER_ENCODING));
        try {
            stream = tunnel.open(context, this, request.method().name(), target, forwardedHeaders(), !hasBody);
        } catch (IllegalArgumentException e) {
            fail(new TunnelFailure(ErrorCode.INVALID_REQUEST, "The request cannot be tunnelled: " + e.getMessage()));
            return;
        }
        if (stream == null) {
            fail(new TunnelFailure(ErrorCode.TUNNEL_BUSY, "The tunnel has too many requests in flight",
                    Map.of("Retry-After", "1")));
            return;
        }
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

    private List<Header> forwardedHeaders() {
        List<Header> headers = new ArrayList<>(HopByHop.strip(request.headers(), NOT_FORWARDED));
        headers.add(new Header("X-Forwarded-Proto", request.scheme() == null ? "http" : request.scheme()));
        if (request.authority() != null) {
            headers.add(new Header("X-Forwarded-Host", request.authority().toString()));
        }
        if (request.remoteAddress() != null && request.remoteAddress().hostAddress() != null) {
            headers.add(new Header("X-Forwarded-For", request.remoteAddress().hostAddress()));
        }
        if (request.getHeader("X-Request-Id") == null) {
            headers.add(new Header("X-Request-Id", requestId));
        }
        return headers;
    }

    private long declaredLength() {
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
            failOrAbort(tooLarge(), Outcome.of(ErrorCode.PAYLOAD_TOO_LARGE));
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
        headNanos = System.nanoTime();
        proxy.vertx().cancelTimer(timer);
        response.setStatusCode(status);
        for (Header h : headers) {
            if (!HopByHop.isHopByHop(h.name())) {
                response.headers().add(h.name(), h.value());
            }
        }
        if (!response.headers().contains("X-Request-Id")) {
            response.headers().set("X-Request-Id", requestId);
        }
        if (endOfStream) {
            response.end();
            finish(Outcome.SUCCESS);
            return;
        }
        if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            response.setChunked(true);
        }
        response.writeHead();
    }

    @Override
    public void onResponseBody(byte[] data) {
        if (finished) {
            return;
        }
        int n = data.length;
        bytesOut += n;
        response.write(Buffer.buffer(data)).onSuccess(v -> stream.consumed(n));
    }

    @Override
    public void onResponseEnd() {
        if (finished) {
            return;
        }
        response.end();
        finish(Outcome.SUCCESS);
    }

    @Override
    public void onReset(ResetReason reason, String message) {
        ErrorCode code = switch (reason) {
            case UPSTREAM_UNAVAILABLE -> ErrorCode.UPSTREAM_UNAVAILABLE;
            case TIMEOUT -> ErrorCode.REQUEST_TIMEOUT;
            case REFUSED_STREAM -> ErrorCode.TUNNEL_BUSY;
            case PAYLOAD_TOO_LARGE -> ErrorCode.PAYLOAD_TOO_LARGE;
            case FORBIDDEN -> ErrorCode.INVALID_REQUEST;
            case CANCEL, PROTOCOL_ERROR, FLOW_CONTROL_ERROR, INTERNAL_ERROR -> ErrorCode.TUNNEL_CLOSED;
        };
        String text = message == null || message.isBlank() ? "The desktop client abandoned the request" : message;
        failOrAbort(new TunnelFailure(code, text), Outcome.of(code));
    }

    @Override
    public void onTunnelClosed(String why) {
        failOrAbort(new TunnelFailure(ErrorCode.TUNNEL_CLOSED, "The tunnel dropped during the request: " + why),
                Outcome.of(ErrorCode.TUNNEL_CLOSED));
    }

    private void onTimeout() {
        if (finished || headNanos >= 0) {
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
        if (stream != null) {
            stream.reset(ResetReason.CANCEL, "the caller went away");
        }
        finish(Outcome.CANCELLED);
    }

    /** Answers with the error envelope if nothing was sent yet; otherwise cuts the response so the caller sees it. */
    private void failOrAbort(TunnelFailure failure, Outcome outcome) {
        if (finished) {
            return;
        }
        if (response.headWritten()) {
            LOG.debugf("request %s: aborting a started response: %s", requestId, failure.getMessage());
            response.reset();
            finish(headNanos >= 0 ? Outcome.BROKEN : outcome);
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
        if (!requestEnded) {
            if (failure.code() == ErrorCode.PAYLOAD_TOO_LARGE) {
                response.headers().set(HttpHeaders.CONNECTION, "close");
            } else {
                request.handler(b -> { });
                request.resume();
            }
        }
        ErrorResponses.send(response, failure, requestId);
        finish(Outcome.of(failure.code()));
    }

    private TunnelFailure tooLarge() {
        return new TunnelFailure(ErrorCode.PAYLOAD_TOO_LARGE,
                "The request body is above the limit of " + proxy.config().maxRequestBodyBytes() + " bytes");
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
        long now = System.nanoTime();
        proxy.metrics().requestCompleted(outcome, now - startNanos, headNanos >= 0 ? headNanos - startNanos : -1);
        proxy.metrics().bytesToAgent(bytesIn);
        proxy.metrics().bytesFromAgent(bytesOut);
    }
}
