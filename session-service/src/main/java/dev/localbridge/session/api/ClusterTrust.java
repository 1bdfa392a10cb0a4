package dev.localbridge.session.api;

import dev.localbridge.protocol.cluster.ClusterSignature;
import dev.localbridge.session.SessionConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Whom session-service trusts: callers that sign their calls with the cluster secret ({@code TUNNEL_CLUSTER_SECRET},
 * see {@link ClusterSignature}). Without a secret the service refuses to start, because anyone who reaches it could
 * register a node at their own address and take over other users' connections; {@code
 * TUNNEL_INSECURE_NO_CLUSTER_SECRET=true} allows it for development, with a warning.
 */
@Singleton
@Startup
public class ClusterTrust {

    private final Optional<ClusterSignature> signature;

    ClusterTrust(SessionConfig config) {
        Optional<String> secret = config.clusterSecret().filter(s -> !s.isBlank());
        if (secret.isEmpty() && !config.insecureNoClusterSecret()) {
            throw new IllegalStateException("TUNNEL_CLUSTER_SECRET is not set: session-service refuses to start "
                    + "without it, since anyone reaching it could register nodes and take over leases. Set it (the same "
                    + "value on every gateway and health-service), or TUNNEL_INSECURE_NO_CLUSTER_SECRET=true for a "
                    + "development setup no one else can reach");
        }
        if (secret.isEmpty()) {
            Log.warn("!!! INSECURE: TUNNEL_INSECURE_NO_CLUSTER_SECRET=true and no TUNNEL_CLUSTER_SECRET: every /api call "
                    + "is accepted unsigned, from anyone who can reach this port. Development only. !!!");
        } else if (config.insecureNoClusterSecret()) {
            Log.info("TUNNEL_INSECURE_NO_CLUSTER_SECRET is ignored: a cluster secret is set, calls must be signed");
        }
        this.signature = secret.map(ClusterSignature::new);
    }

    /** The verifier, or empty in the insecure development mode. */
    Optional<ClusterSignature> signature() {
        return signature;
    }
}
