package dev.localbridge.gateway.proxy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.localbridge.gateway.auth.BearerTokens;
import dev.localbridge.gateway.auth.VerifiedToken;
import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.TunnelFailure;
import dev.localbridge.gateway.metrics.Outcome;
import dev.localbridge.gateway.ownership.RemoteRoute;
import dev.localbridge.gateway.ratelimit.RateLimiter;
import dev.localbridge.gateway.tunnel.TunnelConnection;
import dev.localbridge.protocol.Header;
import dev.localbridge.protocol.HopByHop;
import io.vertx.core.http.HttpServerRequest;

/**
 * One caller's request: authorization, limits and routing. The request is then carried by a {@link TunnelLeg} when
 * this replica holds one of the user's tunnels, else by a {@link RelayLeg} to the replica that does.
 *
 * <p>Threading: runs on the caller's request context throughout.
 */
final class ProxyExchange implements LegOwner {

    private static final Set<String> NOT_FORWARDED = Set.of("authorization", "host");

    private final ProxyContext proxy;
    private final HttpServerRequest request;
    private final String requestId;
    private final String userId;
    private final String target;
    private final long startNanos = System.nanoTime();
    private final Set<String> avoidNodes = new HashSet<>();
    private final Set<String> avoidConnections = new HashSet<>();

    private long headNanos = -1;
    private boolean finished;
    private boolean rerouted;

    ProxyExchange(ProxyContext proxy, HttpServerRequest request, String requestId, String userId, String target) {
        this.proxy = proxy;
        this.request = request;
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
        proxy.metrics().requestStarted();
        request.pause();
        proxy.verifier().verify(BearerTokens.fromAuthorization(request)).onComplete(verified -> {
            if (verified.failed()) {
                refuse(verified.cause() instanceof TunnelFailure f ? f
                        : new TunnelFailure(ErrorCode.AUTH_TOKEN_INVALID, "The bearer token could not be verified"));
            } else {
                authorized(verified.result());
            }
        });
    }

    private void authorized(VerifiedToken token) {
        if (!token.userId().equals(userId)) {
            refuse(new TunnelFailure(ErrorCode.TUNNEL_ACCESS_DENIED, "This token may not use another user's tunnel"));
            return;
        }
        proxy.rateLimiter().acquire(userId).onComplete(decided -> {
            if (decided.failed()) {
                refuse(new TunnelFailure(ErrorCode.ROUTING_UNAVAILABLE, "The rate limit could not be checked"));
            } else if (!decided.result().allowed()) {
                proxy.metrics().rateLimited();
                refuse(rateLimited(decided.result()));
            } else if (TunnelLeg.declaredLength(request) > proxy.config().maxRequestBodyBytes()) {
                refuse(new TunnelFailure(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is above the limit of "
                        + proxy.config().maxRequestBodyBytes() + " bytes"));
            } else {
                route();
            }
        });
    }

    private void route() {
        if (request.response().closed()) {
            finished(Outcome.CANCELLED);
            return;
        }
        TunnelConnection local = proxy.tunnels().pick(userId, avoidConnections);
        if (local != null) {
            new TunnelLeg(proxy, request, requestId, target, this).start(local, forwardedHeaders());
            return;
        }
        proxy.ownership().remoteRoutes(userId).onComplete(found -> {
            if (found.failed()) {
                refuse(found.cause() instanceof TunnelFailure f ? f
                        : new TunnelFailure(ErrorCode.ROUTING_UNAVAILABLE, "The tunnel's location is unknown"));
                return;
            }
            RemoteRoute route = choose(found.result());
            if (route == null) {
                TunnelConnection draining = proxy.tunnels().pickIncludingDraining(userId, avoidConnections);
                if (draining != null) {
                    // The agent has not moved to another replica yet: its old tunnel still serves.
                    new TunnelLeg(proxy, request, requestId, target, this).start(draining, forwardedHeaders());
                    return;
                }
                refuse(new TunnelFailure(ErrorCode.DESKTOP_CLIENT_DISCONNECTED,
                        "No desktop client is connected for this user"));
                return;
            }
            new RelayLeg(proxy, request, requestId, userId, target, route, this).start(forwardedHeaders());
        });
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
        // web: the local service sees the gateway's view of the caller (X-Forwarded-*, Forwarded), not the caller's.
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

    private void refuse(TunnelFailure failure) {
        Refusals.refuse(request, failure, requestId, true);
        finished(Outcome.of(failure.code()));
    }

    @Override
    public void headSent() {
        headNanos = System.nanoTime();
    }

    @Override
    public boolean reroute(String nodeId, String connectionId) {
        if (rerouted || finished) {
            return false;
        }
        rerouted = true;
        if (nodeId != null) {
            avoidNodes.add(nodeId);
            proxy.ownership().invalidate(userId);
        }
        if (connectionId != null) {
            avoidConnections.add(connectionId);
        }
        route();
        return true;
    }

    @Override
    public void finished(Outcome outcome) {
        if (finished) {
            return;
        }
        finished = true;
        proxy.metrics().requestEnded();
        long now = System.nanoTime();
        proxy.metrics().requestCompleted(outcome, now - startNanos, headNanos >= 0 ? headNanos - startNanos : -1);
    }
}
