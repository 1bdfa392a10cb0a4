package dev.localbridge.session;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.util.Optional;

/**
 * Every setting of session-service, prefix {@code tunnel}. All durations are milliseconds, as the deployment
 * guide writes them ({@code TUNNEL_RATE_LIMIT_WINDOW=900000}), so they are plain {@code long}s here.
 */
@ConfigMapping(prefix = "tunnel")
public interface SessionConfig {

    /** Which store backs the API ({@code TUNNEL_SESSION_STORE}): {@code redis} (default) or {@code memory} (single replica only). */
    @WithName("session-store")
    @WithDefault("redis")
    StoreKind sessionStore();

    /**
     * Shared cluster secret ({@code TUNNEL_CLUSTER_SECRET}): every {@code /api} call must be signed with it
     * ({@code X-LocalBridge-Cluster-Auth}); required unless {@link #insecureNoClusterSecret()}.
     */
    @WithName("cluster-secret")
    Optional<String> clusterSecret();

    /**
     * Development only ({@code TUNNEL_INSECURE_NO_CLUSTER_SECRET}): {@code true} lets the service start without a
     * cluster secret and then accepts unsigned calls from anyone who reaches it. Ignored when a secret is set.
     */
    @WithName("insecure-no-cluster-secret")
    @WithDefault("false")
    boolean insecureNoClusterSecret();

    /** Live connections allowed per user, cluster-wide ({@code TUNNEL_MAX_CONNECTIONS_PER_USER}). */
    @WithName("max-connections-per-user")
    @WithDefault("5")
    int maxConnectionsPerUser();

    /** Access keys a user may hold at once, expired ones not counted ({@code TUNNEL_MAX_KEYS_PER_USER}). */
    @WithName("max-keys-per-user")
    @WithDefault("50")
    int maxKeysPerUser();

    /** Lease settings. */
    Lease lease();

    /** Node registry settings. */
    Node node();

    /** Cluster-wide rate limit settings. */
    @WithName("rate-limit")
    RateLimit rateLimit();

    /** Redis layout settings. */
    Redis redis();

    /** Expiry sweeper settings. */
    Sweep sweep();

    /** Change feed settings. */
    Events events();

    /** Which implementation holds the state. */
    enum StoreKind {
        /** Redis: any number of session-service replicas. */
        redis,
        /** In-process maps: exactly one session-service replica, state lost on restart. */
        memory
    }

    /** Lease settings. */
    interface Lease {
        /** Lease time to live in ms ({@code TUNNEL_LEASE_TTL}); gateways renew every third of it. */
        @WithDefault("15000")
        long ttl();
    }

    /** Node registry settings. */
    interface Node {
        /** A node that has not heartbeated for this many ms is gone ({@code TUNNEL_NODE_TTL}); heartbeat every third of it. */
        @WithDefault("15000")
        long ttl();
    }

    /** Cluster-wide rate limit settings. */
    interface RateLimit {
        /** Fixed window length in ms ({@code TUNNEL_RATE_LIMIT_WINDOW}). */
        @WithDefault("900000")
        long window();

        /** Requests per user per window, cluster-wide ({@code TUNNEL_RATE_LIMIT_MAX_REQUESTS}). */
        @WithName("max-requests")
        @WithDefault("1000")
        long maxRequests();

        /** Upper bound of one token batch ({@code TUNNEL_RATE_LIMIT_MAX_BATCH}). */
        @WithName("max-batch")
        @WithDefault("50")
        int maxBatch();
    }

    /** Redis layout settings. */
    interface Redis {
        /** Prefix of every key and of the pub/sub channel ({@code TUNNEL_REDIS_KEY_PREFIX}); lets several clusters or test runs share one Redis. */
        @WithName("key-prefix")
        @WithDefault("lb:")
        String keyPrefix();

        /** Upper bound in ms for one store call, and for the readiness probe's PING ({@code TUNNEL_REDIS_TIMEOUT}). */
        @WithDefault("2000")
        long timeout();
    }

    /** Expiry sweeper settings. */
    interface Sweep {
        /** How often expired nodes and leases are removed and announced, in ms ({@code TUNNEL_SWEEP_INTERVAL}). */
        @WithDefault("1000")
        long interval();
    }

    /** Change feed settings. */
    interface Events {
        /** Interval in ms of the {@code ping} event that keeps idle SSE subscriptions alive ({@code TUNNEL_EVENTS_PING_INTERVAL}). */
        @WithName("ping-interval")
        @WithDefault("15000")
        long pingInterval();
    }
}
