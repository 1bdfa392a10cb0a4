package dev.localbridge.gateway.proxy;

import java.util.List;

import org.jboss.logging.Logger;

import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.ErrorResponses;
import dev.localbridge.gateway.failure.TunnelFailure;
import dev.localbridge.gateway.metrics.Outcome;
import dev.localbridge.gateway.ownership.RemoteRoute;
import dev.localbridge.protocol.Header;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;

/**
 * One request carried to the replica that holds the user's tunnel, over that replica's relay port, streaming both
 * ways with backpressure. The holder's answer goes into the {@link CallerAnswer} under the same rules as an agent's
 * (a compromised holder is no more trusted than a hostile agent). The caller's own {@code Authorization} travels with
 * the request, because the holder verifies it again: the cluster credential alone reaches no tunnel.
 *
 * <p>A 421 or an unreachable holder fails the leg as {@link Misrouted} — safe to route again, because the body only
 * flows after the holder's {@code 100 Continue}, and the first chunk read to find out whether there is a body is kept.
 *
 * <p>Threading: runs on the caller's request context; the relay client's callbacks come back to it.
 */
final class RelayLeg implements Leg {

    private static final Logger LOG = Logger.getLogger(RelayLeg.class);

    private final ProxyContext proxy;
    private final CallerAnswer answer;
    private final HttpServerRequest request;
    private final String requestId;
    private final String userId;
    private final String target;
    private final RemoteRoute route;
    private final List<Header> headers;
    private final RequestBody body;
    private final Promise<Outcome> result = Promise.promise();

    private HttpClientRequest relay;
    private long timer = -1;
    private boolean bodyStarted;
    private boolean relayEnded;
    private boolean misrouted;

    RelayLeg(ProxyContext proxy, CallerAnswer answer, HttpServerRequest request, String requestId, String userId,
            String target, RemoteRoute route, List<Header> headers, RequestBody body) {
        this.proxy = proxy;
        this.answer = answer;
        this.request = request;
        this.requestId = requestId;
        this.userId = userId;
        this.target = target;
        this.route = route;
        this.headers = headers;
        this.body = body;
    }

    @Override
    public Future<Outcome> carry() {
        if (answer.settled()) {
            return answer.outcome();
        }
        answer.attach(this::settled);
        int colon = route.relayAddress().lastIndexOf(':');
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setHost(route.relayAddress().substring(0, colon))
                .setPort(Integer.parseInt(route.relayAddress().substring(colon + 1)))
                .setURI(target);
        timer = proxy.vertx().setTimer(proxy.timeouts().forTarget(target) + 1_000, t -> onTimeout());
        proxy.metrics().relayHop();
        proxy.relays().client().request(options).onComplete(opened -> {
            if (opened.failed()) {
                unreachable(opened.cause());
            } else if (answer.settled() || misrouted) {
                opened.result().reset();
            } else {
                relay = opened.result();
                send();
            }
        });
        return result.future();
    }

    private void send() {
        headers.forEach(h -> relay.headers().add(h.name(), h.value()));
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            relay.putHeader(HttpHeaders.AUTHORIZATION, authorization);
        }
        relay.putHeader(Relays.CONNECTION_HEADER, route.connectionId())
                .putHeader(Relays.EPOCH_HEADER, Long.toString(route.epoch()))
                .putHeader(Relays.USER_HEADER, userId)
                .putHeader("X-Request-Id", requestId);
        relay.headers().remove(HttpHeaders.EXPECT).remove(HttpHeaders.CONTENT_LENGTH)
                .remove(HttpHeaders.TRANSFER_ENCODING);
        proxy.credential().sign(request.method().name(), target, relay.headers());
        relay.response().onComplete(answered -> {
            if (answered.failed()) {
                broken(answered.cause());
            } else {
                onResponse(answered.result());
            }
        });
        relay.exceptionHandler(this::broken);
        if (!body.present()) {
            relay.end();
            return;
        }
        if (body.declaredLength() > 0) {
            relay.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(body.declaredLength()));
        } else {
            relay.setChunked(true);
        }
        relay.putHeader(HttpHeaders.EXPECT, HttpHeaders.CONTINUE);
        relay.continueHandler(v -> {
            if (answer.settled() || bodyStarted) {
                return;
            }
            bodyStarted = true;
            answer.continueIfExpected();
            if (body.first() != null) {
                relay.write(body.first());
            }
            request.pipe().endOnFailure(false).to(relay).onFailure(e -> {
                if (!answer.settleIfCallerGone()) {
                    relay.reset();
                }
            });
        });
        relay.sendHead();
    }

    private void onResponse(HttpClientResponse holder) {
        if (answer.settled() || misrouted) {
            return;
        }
        if (holder.statusCode() == ErrorCode.MISDIRECTED.status()) {
            holder.resume();
            LOG.debugf("request %s: %s no longer holds connection %s at epoch %d", requestId, route.nodeId(),
                    route.connectionId(), route.epoch());
            proxy.metrics().misdirected();
            misrouted(new TunnelFailure(ErrorCode.DESKTOP_CLIENT_DISCONNECTED,
                    "The user's tunnel moved and could not be found again"));
            return;
        }
        String error = holder.getHeader(ErrorResponses.ERROR_HEADER);
        answer.head(holder.statusCode(), holder.headers(), error == null ? Outcome.SUCCESS : outcomeOf(error));
        if (answer.headTaken()) {
            proxy.vertx().cancelTimer(timer);
        }
        holder.handler(chunk -> {
            answer.body(chunk, null);
            if (answer.writeQueueFull()) {
                holder.pause();
                answer.drainHandler(v -> holder.resume());
            }
        });
        holder.endHandler(v -> {
            relayEnded = true;
            answer.end();
        });
        holder.exceptionHandler(this::broken);
    }

    private void unreachable(Throwable cause) {
        LOG.debugf("request %s: relay to %s (%s) failed: %s", requestId, route.nodeId(), route.relayAddress(),
                cause.getMessage());
        proxy.relays().markSuspect(route.nodeId());
        misrouted(new TunnelFailure(ErrorCode.TUNNEL_CLOSED, "The replica holding the tunnel is unreachable"));
    }

    /** Routing again is safe while no body the caller sent has been consumed past what is kept. */
    private void misrouted(TunnelFailure failure) {
        if (answer.settled() || misrouted) {
            return;
        }
        if (bodyStarted) {
            answer.fail(failure);
            return;
        }
        misrouted = true;
        answer.detach();
        proxy.vertx().cancelTimer(timer);
        if (relay != null) {
            relay.reset();
        }
        result.fail(Misrouted.byReplica(route.nodeId(), failure));
    }

    private void broken(Throwable cause) {
        if (answer.settled() || misrouted || answer.settleIfCallerGone()) {
            return; // e.g. the caller went away first and the relay broke because of it
        }
        if (relay != null && !answer.headTaken() && !bodyStarted) {
            unreachable(cause);
        } else {
            answer.fail(new TunnelFailure(ErrorCode.TUNNEL_CLOSED, "The relay to the tunnel's replica broke"));
        }
    }

    private void onTimeout() {
        if (answer.settled() || answer.headTaken()) {
            return;
        }
        answer.fail(new TunnelFailure(ErrorCode.REQUEST_TIMEOUT, "The desktop client did not answer within "
                + proxy.timeouts().forTarget(target) + " ms"));
    }

    /** The caller's answer is over: a relay call still running is reset, which the holder turns into a cancel. */
    private void settled(Outcome outcome) {
        proxy.vertx().cancelTimer(timer);
        // An answer complete by its length leaves the relay connection to end cleanly and return to the pool.
        if (relay != null && !relayEnded && !answer.completeByLength()) {
            relay.reset();
        }
        result.complete(outcome);
    }

    private static Outcome outcomeOf(String code) {
        try {
            return Outcome.of(ErrorCode.valueOf(code));
        } catch (IllegalArgumentException e) {
            return Outcome.BROKEN;
        }
    }
}
