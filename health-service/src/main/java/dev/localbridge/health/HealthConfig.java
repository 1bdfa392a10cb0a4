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

    /** Cluster credential sent as {@code Authorization: Bearer} to session-service ({@code TUNNEL_CLUSTER_SECRET}). */
    @WithName("cluster-secret")
    Optional<String> clusterSecret();

    /** Probe settings. */
    Probe probe();

    /** Probe settings. */
    interface Probe {
        /** Upper bound in ms for each call to session-service ({@code TUNNEL_PROBE_TIMEOUT}). */
        @WithDefault("2000")
        long timeout();
    }
}
