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

    /**
     * Milliseconds an agent has after the upgrade to send its Hello; a silent connection is then closed with 4400
     * ({@code TUNNEL_HELLO_TIMEOUT}).
     */
    @WithDefault("5000")
    long helloTimeout();

    /**
     * Milliseconds after which a stream the agent has not accepted marks its tunnel unresponsive: requests then prefer
     * the user's other tunnels ({@code TUNNEL_STREAM_ACCEPT_TIMEOUT}).
     */
    @WithDefault("5000")
    long streamAcceptTimeout();

    /**
     * Milliseconds a tunnel still serves after its token's {@code exp} when the agent has not renewed it in-band; then
     * it is closed with 4401 ({@code TUNNEL_TOKEN_GRACE}).
     */
    @WithDefault("30000")
    long tokenGrace();

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

    /**
     * Interface the relay listener binds to ({@code TUNNEL_RELAY_BIND_ADDRESS}): all interfaces by default, which
     * Kubernetes NetworkPolicies guard; set the pod IP (or 127.0.0.1 on one host) to listen on one interface only.
     */
    @WithDefault("0.0.0.0")
    String relayBindAddress();

    /**
     * Name of the {@code quarkus.tls.<name>} configuration for the relay ({@code TUNNEL_RELAY_TLS_CONFIGURATION_NAME}):
     * when set, the relay listener serves TLS only, with that configuration's key store (and requires client
     * certificates its trust store accepts, when it has one), and relay calls are made over TLS trusting that trust
     * store and presenting that key store. Every replica needs the same setting. Unset: plain HTTP inside the pod
     * network.
     */
    Optional<String> relayTlsConfigurationName();

    /**
     * Name of the {@code quarkus.tls.<name>} configuration used when {@code TUNNEL_SESSION_URL} is {@code https}
     * ({@code TUNNEL_SESSION_TLS_CONFIGURATION_NAME}): its trust store decides which certificates of session-service
     * are accepted, its key store (if any) is presented as the client certificate. Unset: the default TLS
     * configuration ({@code quarkus.tls.*}) when there is one, else the JVM's trust store.
     */
    Optional<String> sessionTlsConfigurationName();

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

    /**
     * Caller authentication settings. The key, issuer, audiences and algorithms come from the standard
     * {@code MP_JWT_VERIFY_*} (or {@code AUTH0_DOMAIN}/{@code AUTH0_AUDIENCE}).
     */
    interface Auth {
        /** JWT claim holding the user id ({@code TUNNEL_AUTH_USER_CLAIM}). */
        @WithDefault("sub")
        String userClaim();

        /** Verified tokens kept so that a repeated one is not verified again ({@code TUNNEL_AUTH_CACHE_SIZE}). */
        @WithDefault("10000")
        int cacheSize();

        /**
         * Clock skew allowed on {@code exp}, {@code nbf} and {@code iat}, ms, whole seconds
         * ({@code TUNNEL_AUTH_CLOCK_SKEW}); a token is accepted until {@code exp} + skew, by parser and cache alike.
         */
        @WithDefault("60000")
        long clockSkew();

        /**
         * Accept tokens without checking {@code aud}, for an identity provider that issues none
         * ({@code TUNNEL_AUTH_ACCEPT_ANY_AUDIENCE}). Any token the provider signs then passes, ID tokens and other
         * applications' tokens included. Without it, a provider's keys ({@code AUTH0_DOMAIN} or a JWKS URL) need an
         * audience.
         */
        @WithDefault("false")
        boolean acceptAnyAudience();
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
