package dev.localbridge.gateway.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * Every setting of the gateway. Property {@code tunnel.x-y} is read from env {@code TUNNEL_X_Y}; all durations are
 * milliseconds, as the deployment guide writes them.
 */
@ConfigMapping(prefix = "tunnel")
public interface GatewayConfig {

    /** Path of the agent WebSocket endpoint ({@code TUNNEL_WEBSOCKET_PATH}). */
    @WithDefault("/ws/tunnel")
    String websocketPath();

    /** Milliseconds allowed until the response head arrives ({@code TUNNEL_REQUEST_TIMEOUT}). */
    @WithDefault("30000")
    long requestTimeout();

    /**
     * Per-route request timeouts, {@code prefix=millis} pairs such as {@code /api/chat=300000}; the longest matching
     * prefix of the tunnelled path wins ({@code TUNNEL_REQUEST_TIMEOUT_ROUTES}).
     */
    Optional<List<String>> requestTimeoutRoutes();

    /** Keepalive interval in milliseconds; a peer silent for 3 intervals is closed ({@code TUNNEL_PING_INTERVAL}). */
    @WithDefault("30000")
    long pingInterval();

    /** Live tunnel connections allowed per user ({@code TUNNEL_MAX_CONNECTIONS_PER_USER}). */
    @WithDefault("5")
    int maxConnectionsPerUser();

    /** Streams (requests) in flight at once on one tunnel connection ({@code TUNNEL_MAX_STREAMS_PER_TUNNEL}). */
    @WithDefault("100")
    int maxStreamsPerTunnel();

    /** Largest request body accepted from a caller, in bytes ({@code TUNNEL_MAX_REQUEST_BODY_BYTES}). */
    @WithDefault("52428800")
    long maxRequestBodyBytes();

    /** This replica's id ({@code TUNNEL_NODE_ID}); defaults to the host name. */
    Optional<String> nodeId();

    /**
     * On SIGTERM, how long in-flight streams (long LLM generations included) may take to finish on this replica after
     * its agents were told to move, ms ({@code TUNNEL_DRAIN_TIMEOUT}). Keep it below the pod's grace period.
     */
    @WithDefault("25000")
    long drainTimeout();

    /** Caller authentication. */
    Auth auth();

    /** Per-user request rate limit. */
    RateLimit rateLimit();

    /** Alert levels of {@code /api/tunnel/health}. */
    Health health();

    /**
     * Base URL of session-service ({@code TUNNEL_SESSION_URL}). Unset: the gateway runs standalone and routes only the
     * tunnels it holds itself.
     */
    Optional<String> sessionUrl();

    /** Credential for relay calls between replicas and for session-service ({@code TUNNEL_CLUSTER_SECRET}). */
    Optional<String> clusterSecret();

    /** Port of the relay listener that other replicas call; never exposed by the ingress ({@code TUNNEL_RELAY_PORT}). */
    @WithDefault("8082")
    int relayPort();

    /** Host other replicas use to reach this one's relay port ({@code TUNNEL_RELAY_ADVERTISE_HOST}); default: own IP. */
    Optional<String> relayAdvertiseHost();

    /** How often the node heartbeats and renews all its leases in one call, ms ({@code TUNNEL_LEASE_RENEW_INTERVAL}). */
    @WithDefault("5000")
    long leaseRenewInterval();

    /** Timeout of one call to session-service, ms ({@code TUNNEL_SESSION_TIMEOUT}). */
    @WithDefault("2000")
    long sessionTimeout();

    /** How long a looked-up remote route is trusted without a change event, ms ({@code TUNNEL_ROUTE_CACHE_TTL}). */
    @WithDefault("30000")
    long routeCacheTtl();

    /** What browsers may do, and what the local service learns about the caller (package {@code web}). */
    @WithParentName
    Web web();

    /** The deployment guide's alert levels; a replica outside them reports {@code degraded}. */
    interface Health {
        /** Lowest acceptable share of requests the tunnel served ({@code TUNNEL_HEALTH_MIN_SUCCESS_RATE}). */
        @WithDefault("0.95")
        double minSuccessRate();

        /** Highest acceptable share of timed-out requests ({@code TUNNEL_HEALTH_MAX_TIMEOUT_RATE}). */
        @WithDefault("0.05")
        double maxTimeoutRate();

        /** Highest acceptable average time to first byte, ms ({@code TUNNEL_HEALTH_MAX_AVERAGE_RESPONSE_TIME}). */
        @WithDefault("2000")
        long maxAverageResponseTime();
    }

    /** Caller authentication settings. The key and issuer come from the standard {@code MP_JWT_VERIFY_*}. */
    interface Auth {
        /** JWT claim holding the user id ({@code TUNNEL_AUTH_USER_CLAIM}). */
        @WithDefault("sub")
        String userClaim();

        /** Verified tokens kept in memory so that a repeated token is not verified again. */
        @WithDefault("10000")
        int cacheSize();
    }

    /** Requests per user per window. */
    interface RateLimit {
        /** Window length in milliseconds ({@code TUNNEL_RATE_LIMIT_WINDOW}). */
        @WithDefault("900000")
        long window();

        /** Requests allowed per user in one window ({@code TUNNEL_RATE_LIMIT_MAX_REQUESTS}); 0 turns it off. */
        @WithName("max-requests")
        @WithDefault("1000")
        int maxRequests();
    }

    /** Browser rules and forwarded headers; the properties sit directly under {@code tunnel.}. */
    interface Web {
        /**
         * Web origins ({@code scheme://host[:port]}) whose pages may call {@code /api/tunnel/**} from a browser
         * ({@code TUNNEL_CORS_ORIGINS}); none by default.
         */
        Optional<List<String>> corsOrigins();

        /** How long a browser may reuse a preflight answer, ms, sent in seconds ({@code TUNNEL_CORS_MAX_AGE}). */
        @WithDefault("600000")
        long corsMaxAge();

        /** {@code Strict-Transport-Security} max-age in ms (sent in s); unset: no HSTS ({@code TUNNEL_HSTS_MAX_AGE}). */
        Optional<Long> hstsMaxAge();

        /** CSP added to answers from users' machines; empty turns it off ({@code TUNNEL_PROXIED_CSP}). */
        @WithDefault("sandbox")
        Optional<String> proxiedCsp();

        /** Whether {@code Set-Cookie} from a user's machine reaches callers ({@code TUNNEL_FORWARD_SET_COOKIE}). */
        @WithDefault("false")
        boolean forwardSetCookie();

        /** Web origins allowed to open an agent WebSocket; none by default ({@code TUNNEL_WS_ALLOWED_ORIGINS}). */
        Optional<List<String>> wsAllowedOrigins();

        /**
         * Peers (IPv4/IPv6 CIDRs or addresses) whose forwarding headers are kept and extended rather than replaced:
         * the ingress ({@code TUNNEL_TRUSTED_PROXIES}); none by default.
         */
        Optional<List<String>> trustedProxies();
    }
}
