package dev.localbridge.gateway.ownership;

import java.util.List;
import java.util.Optional;

import dev.localbridge.gateway.failure.TunnelFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Ownership backed by session-service ({@code TUNNEL_SESSION_URL} set): leases with fencing epochs and the
 * cluster-wide connection limit ({@link LeaseKeeper}), cached remote routes ({@link RouteCache}) kept fresh by the
 * change feed ({@link ChangeFeedSubscriber}), and the memory-store guard ({@link MemoryStoreGuard}).
 *
 * <p>Nothing here blocks and nothing here is on the per-request path in steady state: a cached route costs no call.
 * When session-service is down, local tunnels keep working, acquisitions succeed with epoch 0 (registered later) and
 * remote lookups are answered from the cache or fail fast with {@code ROUTING_UNAVAILABLE}.
 */
final class SessionOwnership implements Ownership {

    private final LeaseKeeper leases;
    private final RouteCache routes;
    private final ChangeFeedSubscriber feed;
    private final MemoryStoreGuard guard;
    private final Vertx vertx;
    private final long intervalMillis;
    private long guardTimer = -1;

    SessionOwnership(LeaseKeeper leases, RouteCache routes, ChangeFeedSubscriber feed, MemoryStoreGuard guard,
            Vertx vertx, long intervalMillis) {
        this.leases = leases;
        this.routes = routes;
        this.feed = feed;
        this.guard = guard;
        this.vertx = vertx;
        this.intervalMillis = intervalMillis;
    }

    void start() {
        feed.start();
        leases.start();
        guard.check();
        guardTimer = vertx.setPeriodic(intervalMillis, t -> guard.check());
    }

    /** Deregisters the node (releasing its leases); best effort. */
    Future<Void> stop() {
        if (guardTimer >= 0) {
            vertx.cancelTimer(guardTimer);
        }
        feed.stop();
        return leases.stop();
    }

    @Override
    public boolean clustered() {
        return true;
    }

    @Override
    public Future<Long> acquire(String userId, String connectionId) {
        return SessionClient.onCallerContext(leases.acquire(userId, connectionId));
    }

    @Override
    public void release(String userId, String connectionId) {
        leases.release(userId, connectionId);
    }

    @Override
    public Future<List<RemoteRoute>> remoteRoutes(String userId) {
        TunnelFailure refusal = guard.refusal();
        if (refusal != null) {
            return Future.failedFuture(refusal);
        }
        return routes.routes(userId);
    }

    @Override
    public void invalidate(String userId) {
        routes.invalidate(userId);
    }

    @Override
    public Optional<ClusterFigures> clusterFigures() {
        return Optional.ofNullable(guard.figures());
    }
}
