package dev.localbridge.gateway.ownership;

import java.util.List;
import java.util.Optional;

import io.vertx.core.Future;

/**
 * Who holds which tunnel, cluster-wide: the one place the gateway asks "where is this user's connection" beyond its
 * own. Standalone (no {@code TUNNEL_SESSION_URL}) it knows only this replica; clustered it is backed by
 * session-service (leases with fencing epochs, node registry, change feed).
 *
 * <p>Implementations never block the caller: every answer is a {@link Future}, and anything that needs session-service
 * fails fast (within {@code TUNNEL_SESSION_TIMEOUT}) when it is unreachable.
 */
public interface Ownership {

    /** True when this replica is part of a cluster (session-service configured). */
    boolean clustered();

    /**
     * Admits a new tunnel connection cluster-wide before its WebSocket upgrade completes, and returns its lease epoch.
     * Fails with a {@code TunnelFailure} of code {@code TOO_MANY_CONNECTIONS} when the user is at the cluster-wide limit.
     * When the store is unreachable the connection is admitted on this replica's own limit, with epoch 0, and its lease
     * is registered as soon as the store is back.
     */
    Future<Long> acquire(String userId, String connectionId);

    /** The connection closed: its lease is released (best effort; an unreleased lease expires). */
    void release(String userId, String connectionId);

    /**
     * The user's live connections on <em>other</em> replicas, from a cache kept fresh by the change feed. Fails with a
     * {@code TunnelFailure} of code {@code ROUTING_UNAVAILABLE} when the store is unreachable and nothing is cached.
     */
    Future<List<RemoteRoute>> remoteRoutes(String userId);

    /** Forgets what is cached for the user, after a replica answered 421 for one of the routes. */
    void invalidate(String userId);

    /** Cluster-wide figures as last read from session-service; empty standalone or before the first read. */
    default Optional<ClusterFigures> clusterFigures() {
        return Optional.empty();
    }
}
