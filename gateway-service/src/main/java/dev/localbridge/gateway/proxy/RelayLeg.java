package dev.localbridge.gateway.proxy;

import java.util.List;

import org.jboss.logging.Logger;

import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.ErrorResponses;
import dev.localbridge.gateway.failure.TunnelFailure;
import dev.localbridge.gateway.metrics.Outcome;
import dev.localbridge.gateway.ownership.RemoteRoute;
import dev.localbridge.protocol.Header;
import dev.localbridge.protocol.HopByHop;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;

/**
 * One request carried to the replica that holds the user's tunnel, over that replica's relay port: streaming both
 * ways with backpressure (Vert.x pipes), the caller's hang-up propagated as a reset of the relay request (which the
 * holder turns into a stream cancel), and a 421 or an unreachable holder re-routed once — safe, because the body only
 * flows after the holder's {@code 100 Continue}.
 *
 * <p>Threading: runs on the caller's request context; the relay client's callbacks come back to it.
 */
final class RelayLeg {

    private static final Logger LOG = Logger.getLogger(RelayLeg.class);

    private final ProxyContext proxy;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final String requestId;
    private final String userId;
    private final String target;
    private final RemoteRoute route;
    private final LegOwner owner;

    private HttpClientRequest relay;
    private long timer = -1;
    private boolean bodyStarted;
    private boolean finished;

    RelayLeg(ProxyContext proxy, HttpServerRequest request, String requestId, String userId, String target,
            RemoteRoute route, LegOwner owner) {
        this.proxy = proxy;
        this.request = request;
        this.response = request.response();
        this.requestId = requestId;
        this.userId = userId;
        this.target = target;
        this.route = route;
        this.owner = owner;
    }

    void start(List<Header> headers) {
        int colon = route.relayAddress().lastIndexOf(':');
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setHost(route.relayAddress().substring(0, colon))
                .setPort(Integer.parseInt(route.relayAddress().substring(colon + 1)))
                .setURI(target);
        CallerConnection.onClose(response, this::delivered, this::onCallerGone);
        timer = proxy.vertx().setTimer(proxy.timeouts().forTarget(target) + 1_000, t -> onTimeout());
        proxy.metrics().relayHop();
        proxy.relays().client().request(options).onComplete(opened -> {
            if (opened.failed()) {
                unreachable(opened.cause());
                return;
            }
            if (finished) {
                opened.result().reset();
                return;
            }
            relay = opened.result();
            send(headers);
        });
    }

    private void send(List<Header> headers) {
        headers.forEach(h -> relay.headers().add(h.name(), h.value()));
        relay.putHeader(Relays.CONNECTION_HEADER, route.connectionId())
                .putHeader(Relays.EPOCH_HEADER, Long.toString(route.epoch()))
                .putHeader(Relays.USER_HEADER, userId)
                .putHeader("X-Request-Id", requestId);
        proxy.credential().sign(request.method().name(), target, relay.headers());
        relay.response().onComplete(answered -> {
            if (answered.failed()) {
                broken(answered.cause());
            } else {
                onResponse(answered.result());
            }
        });
        relay.exceptionHandler(this::broken);
        if (TunnelLeg.hasBody(request)) {
            long declared = TunnelLeg.declaredLength(request);
            if (declared > 0) {
                relay.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(declared));
            } else {
                relay.setChunked(true);
            }
            relay.putHeader(HttpHeaders.EXPECT, HttpHeaders.CONTINUE);
            relay.continueHandler(v -> {
                bodyStarted = true;
                request.pipe().endOnFailure(false).to(relay).onFailure(e -> {
                    if (!settledByCaller()) {
                        relay.reset();
                    }
                });
            });
            relay.sendHead();
        } else {
            relay.end();
            request.resume();
        }
    }

    private void onResponse(HttpClientResponse answer) {
        if (finished) {
            return;
        }
        if (answer.statusCode() == ErrorCode.MISDIRECTED.status()) {
            answer.resume();
            LOG.debugf("request %s: %s no longer holds connection %s at epoch %d", requestId, route.nodeId(),
                    route.connectionId(), route.epoch());
            proxy.metrics().misdirected();
            if (!bodyStarted && retry()) {
                return;
            }
            fail(new TunnelFailure(ErrorCode.DESKTOP_CLIENT_DISCONNECTED,
                    "The user's tunnel moved and could not be found again"));
            return;
        }
        proxy.vertx().cancelTimer(timer);
        response.setStatusCode(answer.statusCode());
        answer.headers().forEach(h -> {
            if (!HopByHop.isHopByHop(h.getKey())) {
                response.headers().add(h.getKey(), h.getValue());
            }
        });
        proxy.proxied().decorateRelayed(request, response.headers()); // web: as TunnelLeg, unless the holder's own
        if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            response.setChunked(true);
        }
        String error = answer.getHeader(ErrorResponses.ERROR_HEADER);
        owner.headSent();
        answer.pipe().endOnFailure(false).to(response).onComplete(done -> {
            if (done.succeeded()) {
                finish(error == null ? Outcome.SUCCESS : outcomeOf(error));
            } else if (!settledByCaller()) {
                // A clean end would tell the caller a cut-off answer was complete: cut the connection instead.
                response.reset();
                finish(Outcome.BROKEN);
            }
        });
    }

    private void unreachable(Throwable cause) {
        LOG.debugf("request %s: relay to %s (%s) failed: %s", requestId, route.nodeId(), route.relayAddress(),
                cause.getMessage());
        proxy.relays().markSuspect(route.nodeId());
        if (!bodyStarted && retry()) {
            return;
        }
        fail(new TunnelFailure(ErrorCode.TUNNEL_CLOSED, "The replica holding the tunnel is unreachable"));
    }

    private void broken(Throwable cause) {
        if (finished) {
            return;
        }
        if (settledByCaller()) {
            return; // e.g. the caller went away first and the relay broke because of it
        }
        if (relay != null && !response.headWritten() && !bodyStarted) {
            unreachable(cause);
        } else if (response.headWritten()) {
            response.reset();
            finish(Outcome.BROKEN);
        } else {
            fail(new TunnelFailure(ErrorCode.TUNNEL_CLOSED, "The relay to the tunnel's replica broke"));
        }
    }

    private boolean retry() {
        if (finished) {
            return true;
        }
        finished = true;
        proxy.vertx().cancelTimer(timer);
        if (relay != null) {
            relay.reset();
        }
        if (owner.reroute(route.nodeId(), null)) {
            return true;
        }
        finished = false;
        return false;
    }

    private void onTimeout() {
        if (finished || response.headWritten()) {
            return;
        }
        if (relay != null) {
            relay.reset();
        }
        fail(new TunnelFailure(ErrorCode.REQUEST_TIMEOUT, "The desktop client did not answer within "
                + proxy.timeouts().forTarget(target) + " ms"));
    }

    /** Whether the caller's side explains a failure (everything delivered, or the caller went away): recorded. */
    private boolean settledByCaller() {
        return CallerConnection.settled(response, this::delivered, this::onCallerGone);
    }

    private void delivered() {
        finish(Outcome.SUCCESS);
    }

    private void onCallerGone() {
        if (finished) {
            return;
        }
        if (relay != null) {
            relay.reset();
        }
        finish(Outcome.CANCELLED);
    }

    private void fail(TunnelFailure failure) {
        if (finished) {
            return;
        }
        Refusals.refuse(request, failure, requestId, !bodyStarted);
        finish(Outcome.of(failure.code()));
    }

    private void finish(Outcome outcome) {
        if (finished) {
            return;
        }
        finished = true;
        proxy.vertx().cancelTimer(timer);
        owner.finished(outcome);
    }

    private static Outcome outcomeOf(String code) {
        try {
            return Outcome.of(ErrorCode.valueOf(code));
        } catch (IllegalArgumentException e) {
            return Outcome.BROKEN;
        }
    }
}
