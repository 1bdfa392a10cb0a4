package dev.localbridge.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.util.Optional;

/** Every setting of health-service, prefix {@code tunnel}. Durations in milliseconds. */
@ConfigMapping(prefix = "tunnel")
public interface HealthConfig {

    /** Base URL of session-service ({@code TUNNEL_SESSION_URL}), e.g. {@code http://session-service:8090}; unset = no cluster view. */
    @WithName("session-url")
    Optional<String> sessionUrl();

    /**
     * Cluster secret ({@code TUNNEL_CLUSTER_SECRET}) that calls to session-service are signed with (it never travels);
     * required when {@link #sessionUrl()} is set, unless {@link #insecureNoClusterSecret()}.
     */
    @WithName("cluster-secret")
    Optional<String> clusterSecret();

    /**
     * Development only ({@code TUNNEL_INSECURE_NO_CLUSTER_SECRET}): {@code true} lets health-service start with a
     * session URL but no cluster secret, calling session-service unsigned (which only a session-service in the same
     * insecure mode accepts).
     */
    @WithName("insecure-no-cluster-secret")
    @WithDefault("false")
    boolean insecureNoClusterSecret();

    /**
     * Name of the {@code quarkus.tls.<name>} configuration used when the session URL is {@code https}
     * ({@code TUNNEL_SESSION_TLS_CONFIGURATION_NAME}): its trust store decides which certificates of session-service are
     * accepted, its key store (if any) is the client certificate. Unset: the default TLS configuration, else the JVM's.
     */
    @WithName("session-tls-configuration-name")
    Optional<String> sessionTlsConfigurationName();

    /** How the cluster is polled. */
    Probe probe();

    /** Alert levels and windows. */
    Health health();

    /** How the cluster is polled. */
    interface Probe {
        /** Upper bound in ms for each call to session-service or a replica ({@code TUNNEL_PROBE_TIMEOUT}). */
        @WithDefault("2000")
        long timeout();

        /** Time between two polls of the cluster, ms ({@code TUNNEL_PROBE_INTERVAL}). */
        @WithDefault("5000")
        long interval();
    }

    /** Alert levels (the deployment guide's) and the windows the figures are computed over. */
    interface Health {
        /** Lowest acceptable share of requests the tunnels served ({@code TUNNEL_HEALTH_MIN_SUCCESS_RATE}). */
        @WithDefault("0.95")
        double minSuccessRate();

        /** Highest acceptable share of timed-out requests ({@code TUNNEL_HEALTH_MAX_TIMEOUT_RATE}). */
        @WithDefault("0.05")
        double maxTimeoutRate();

        /** Highest acceptable average time to first byte, ms ({@code TUNNEL_HEALTH_MAX_AVERAGE_RESPONSE_TIME}). */
        @WithDefault("2000")
        long maxAverageResponseTime();

        /** Highest acceptable memory per gateway instance, bytes ({@code TUNNEL_HEALTH_MAX_MEMORY_BYTES}). */
        @WithDefault("209715200")
        long maxMemoryBytes();

        /**
         * Fewest requests in the window for the rate checks to judge ({@code TUNNEL_HEALTH_MIN_REQUESTS}): below it they
         * pass, so that one failure out of three requests does not page anyone.
         */
        @WithDefault("10")
        long minRequests();

        /** Sliding window of the success rate, timeout rate and average, ms ({@code TUNNEL_HEALTH_WINDOW}). */
        @WithDefault("300000")
        long window();

        /** How far back the status page's charts go, ms ({@code TUNNEL_HEALTH_HISTORY}). */
        @WithDefault("3600000")
        long history();
    }
}
