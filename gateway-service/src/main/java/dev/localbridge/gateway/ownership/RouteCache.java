package dev.localbridge.gateway.ownership;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.TunnelFailure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;

/**
 * Remote routes by user, from {@code GET /api/leases?userId=}: trusted for {@code TUNNEL_ROUTE_CACHE_TTL} unless the
 * change feed says otherwise, one lookup in flight per user (concurrent requests share it), and an expired entry is
 * still served while session-service is unreachable (better a route that may answer 421 than none).
 */
final class RouteCache {

    private static final Logger LOG = Logger.getLogger(RouteCache.class);
    private static final int MAX_ENTRIES = 100_000;

    private record Entry(List<RemoteRoute> routes, long fetchedAtNanos) {
    }

    private final SessionClient session;
    private final String selfNodeId;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Future<List<RemoteRoute>>> inFlight = new ConcurrentHashMap<>();

    RouteCache(SessionClient session, String selfNodeId, long ttlMillis) {
        this.session = session;
        this.selfNodeId = selfNodeId;
        this.ttlNanos = ttlMillis * 1_000_000;
    }

    Future<List<RemoteRoute>> routes(String userId) {
        Entry entry = entries.get(userId);
        if (entry != null && System.nanoTime() - entry.fetchedAtNanos() < ttlNanos) {
            return Future.succeededFuture(entry.routes());
        }
        Promise<List<RemoteRoute>> promise = Promise.promise();
        Future<List<RemoteRoute>> shared = inFlight.putIfAbsent(userId, promise.future());
        if (shared != null) {
            return SessionClient.onCallerContext(shared);
        }
        lookup(userId, promise);
        return promise.future();
    }

    private void lookup(String userId, Promise<List<RemoteRoute>> promise) {
        String uri = "/api/leases?userId=" + URLEncoder.encode(userId, StandardCharsets.UTF_8);
        session.call("lookup", HttpMethod.GET, uri, null).onComplete(ar -> {
            // Still ours only if no change event or invalidation dropped it meanwhile: then the answer may be stale.
            boolean current = inFlight.remove(userId, promise.future());
            String why;
            if (ar.succeeded() && ar.result().ok()) {
                try {
                    List<RemoteRoute> routes = remoteOnly(session.decode(ar.result(), SessionApi.UserLeases.class));
                    if (current) {
                        put(userId, routes);
                    }
                    promise.complete(routes);
                    return;
                } catch (SessionUnavailable e) {
                    why = e.getMessage();
                }
            } else {
                why = ar.failed() ? ar.cause().getMessage() : "answered " + ar.result().status() + " "
                        + session.errorCode(ar.result());
            }
            Entry stale = entries.get(userId);
            if (stale != null) {
                LOG.debugf("route lookup for user %s failed (%s): serving the cached routes", userId, why);
                promise.complete(stale.routes());
            } else {
                LOG.debugf("route lookup for user %s failed: %s", userId, why);
                promise.fail(new TunnelFailure(ErrorCode.ROUTING_UNAVAILABLE,
                        "The session store is unreachable, so a tunnel held by another gateway replica cannot be "
                                + "found; tunnels held by this replica still work"));
            }
        });
    }

    private List<RemoteRoute> remoteOnly(SessionApi.UserLeases answer) {
        return answer.leases() == null ? List.of() : answer.leases().stream()
                .filter(lease -> !selfNodeId.equals(lease.nodeId()))
                .map(lease -> new RemoteRoute(lease.nodeId(), lease.relayAddress(), lease.connectionId(),
                        lease.epoch()))
                .toList();
    }

    private void put(String userId, List<RemoteRoute> routes) {
        if (entries.size() >= MAX_ENTRIES) {
            long now = System.nanoTime();
            entries.values().removeIf(e -> now - e.fetchedAtNanos() >= ttlNanos);
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
        }
        entries.put(userId, new Entry(routes, System.nanoTime()));
    }

    void invalidate(String userId) {
        entries.remove(userId);
        inFlight.remove(userId);
    }

    /** Drops every route to a replica that is gone. */
    void invalidateNode(String nodeId) {
        entries.values().removeIf(e -> e.routes().stream().anyMatch(r -> r.nodeId().equals(nodeId)));
        inFlight.clear();
    }

    void invalidateAll() {
        entries.clear();
        inFlight.clear();
    }

    int size() {
        return entries.size();
    }
}
