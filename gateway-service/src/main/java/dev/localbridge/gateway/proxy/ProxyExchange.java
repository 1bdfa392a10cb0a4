package dev.localbridge.gateway.proxy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.localbridge.gateway.auth.BearerTokens;
import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.TunnelFailure;
import dev.localbridge.gateway.metrics.Outcome;
import dev.localbridge.gateway.ownership.RemoteRoute;
import dev.localbridge.gateway.ratelimit.RateLimiter;
import dev.localbridge.gateway.tunnel.TunnelConnection;
import dev.localbridge.protocol.Header;
import dev.localbridge.protocol.HopByHop;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

/**
 * One caller's request: authorization, limits and routing, as one chain — {@code route().compose(Leg::carry)} — that
 * delivers into the exchange's {@link CallerAnswer}. The request is carried by a {@link TunnelLeg} when this replica
 * holds one of the user's tunnels, else by a {@link RelayLeg} to the replica that does; a leg that fails as
 * {@link Misrouted} is routed again once, avoiding that replica or connection. Every refusal and failure is answered
 * by the {@link CallerAnswer}, and its outcome is counted once, when it settles.
 *
 * <p>Threading: runs on the caller's request context throughout.
 */
final class ProxyExchange {

    /** The caller's credential, the gateway's host, and {@code Expect}, which the gateway answers itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("authorization", "host", "expect");

    private final ProxyContext proxy;
    private final HttpServerRequest request;
    private final String requestId;
    private final String userId;
    private final String target;
    private final long startNanos = System.nanoTime();
    private final Set<String> avoidNodes = new HashSet<>();
    private final Set<String> avoidConnections = new HashSet<>();
    private final CallerAnswer answer;

    private RequestBody body;

    ProxyExchange(ProxyContext proxy, HttpServerRequest request, String requestId, String userId, String target) {
        this.proxy = proxy;
        this.request = request;
        this.requestId = requestId;
        this.userId = userId;
        this.target = target;
        this.answer = new CallerAnswer(request, requestId, proxy.proxied()::decorate);
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
        proxy.metrics().requestStarted();
        request.pause();
        answer.outcome().onSuccess(this::finished);
        authorize()
                .compose(v -> RequestBody.read(request))
                .compose(read -> {
                    body = read;
                    return carry(false);
                })
                .onFailure(e -> answer.fail(e instanceof Misrouted m ? m.failure()
                        : e instanceof TunnelFailure f ? f
                        : new TunnelFailure(ErrorCode.TUNNEL_CLOSED, "The request could not be carried")));
    }

    /** The token's user is the path's user, the rate limit allows, and the declared body is within the limit. */
    private Future<Void> authorize() {
        return proxy.verifier().verify(BearerTokens.fromAuthorization(request))
                .recover(e -> Future.failedFuture(e instanceof TunnelFailure ? e
                        : new TunnelFailure(ErrorCode.AUTH_TOKEN_INVALID, "The bearer token could not be verified")))
                .compose(token -> {
                    if (!token.userId().equals(userId)) {
                        return Future.failedFuture(new TunnelFailure(ErrorCode.TUNNEL_ACCESS_DENIED,
                                "This token may not use another user's tunnel"));
                    }
                    return proxy.rateLimiter().acquire(userId).recover(e -> Future.failedFuture(
                            new TunnelFailure(ErrorCode.ROUTING_UNAVAILABLE, "The rate limit could not be checked")));
                })
                .compose(this::admit);
    }

    private Future<Void> admit(RateLimiter.Decision decision) {
        if (!decision.allowed()) {
            proxy.metrics().rateLimited();
            return Future.failedFuture(rateLimited(decision));
        }
        if (RequestBody.declaredLength(request) > proxy.config().maxRequestBodyBytes()) {
            return Future.failedFuture(new TunnelFailure(ErrorCode.PAYLOAD_TOO_LARGE,
                    "The request body is above the limit of " + proxy.config().maxRequestBodyBytes() + " bytes"));
        }
        return Future.succeededFuture();
    }

    /** Routes and carries; a misrouted leg is routed again once, avoiding what failed. */
    private Future<Outcome> carry(boolean rerouted) {
        return route().compose(Leg::carry).recover(e -> {
            if (e instanceof Misrouted m && !rerouted && !answer.settled()) {
                if (m.nodeId() != null) {
                    avoidNodes.add(m.nodeId());
                    proxy.ownership().invalidate(userId);
                }
                if (m.connectionId() != null) {
                    avoidConnections.add(m.connectionId());
                }
                return carry(true);
            }
            return Future.failedFuture(e);
        });
    }

    /** The leg for this request: a local tunnel, else the holder of a remote one, else a draining local tunnel. */
    private Future<Leg> route() {
        if (answer.settleIfCallerGone()) {
            return Future.succeededFuture(answer::outcome);
        }
        TunnelConnection local = proxy.tunnels().pick(userId, avoidConnections);
        if (local != null) {
            return Future.succeededFuture(tunnelLeg(local));
        }
        return proxy.ownership().remoteRoutes(userId)
                .recover(e -> Future.failedFuture(e instanceof TunnelFailure ? e
                        : new TunnelFailure(ErrorCode.ROUTING_UNAVAILABLE, "The tunnel's location is unknown")))
                .compose(routes -> {
                    RemoteRoute route = choose(routes);
                    if (route != null) {
                        return Future.succeededFuture(new RelayLeg(proxy, answer, request, requestId, userId,
                                target, route, forwardedHeaders(), body));
                    }
                    TunnelConnection draining = proxy.tunnels().pickIncludingDraining(userId, avoidConnections);
                    if (draining != null) {
                        // The agent has not moved to another replica yet: its old tunnel still serves.
                        return Future.succeededFuture(tunnelLeg(draining));
                    }
                    return Future.failedFuture(new TunnelFailure(ErrorCode.DESKTOP_CLIENT_DISCONNECTED,
                            "No desktop client is connected for this user"));
                });
    }

    private Leg tunnelLeg(TunnelConnection tunnel) {
        return new TunnelLeg(proxy, answer, request, tunnel, target, forwardedHeaders(), body);
    }

    /** The newest lease on a replica that answers; a recently failing one only when there is nothing else. */
    private RemoteRoute choose(List<RemoteRoute> routes) {
        RemoteRoute best = null;
        boolean bestSuspect = true;
        for (RemoteRoute route : routes) {
            if (avoidNodes.contains(route.nodeId())) {
                continue;
            }
            boolean suspect = proxy.relays().suspect(route.nodeId());
            if (best == null || (bestSuspect && !suspect)
                    || (bestSuspect == suspect && route.epoch() > best.epoch())) {
                best = route;
                bestSuspect = suspect;
            }
        }
        return best;
    }

    private List<Header> forwardedHeaders() {
        // The local service sees the gateway's view of the caller (X-Forwarded-*, Forwarded), not the caller's claims.
        List<Header> headers = proxy.forwarded().replace(request, HopByHop.strip(request.headers(), NOT_FORWARDED));
        if (request.getHeader("X-Request-Id") == null) {
            headers.add(new Header("X-Request-Id", requestId));
        }
        return headers;
    }

    private static TunnelFailure rateLimited(RateLimiter.Decision decision) {
        long retryAfter = Math.max(1, decision.resetEpochSeconds() - System.currentTimeMillis() / 1000);
        return new TunnelFailure(ErrorCode.RATE_LIMIT_EXCEEDED, "Too many requests for this tunnel; retry later",
                Map.of("Retry-After", Long.toString(retryAfter),
                        "X-RateLimit-Limit", Integer.toString(decision.limit()),
                        "X-RateLimit-Remaining", "0",
                        "X-RateLimit-Reset", Long.toString(decision.resetEpochSeconds())));
    }

    private void finished(Outcome outcome) {
        proxy.metrics().requestEnded();
        long now = System.nanoTime();
        long headNanos = answer.headNanos();
        proxy.metrics().requestCompleted(outcome, now - startNanos, headNanos >= 0 ? headNanos - startNanos : -1);
    }
}
