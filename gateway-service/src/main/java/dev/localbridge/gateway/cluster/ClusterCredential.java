package dev.localbridge.gateway.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.enterprise.context.ApplicationScoped;

import dev.localbridge.gateway.config.GatewayConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;

/**
 * The cluster credential ({@code TUNNEL_CLUSTER_SECRET}) as the gateway uses it: signing the calls it makes to other
 * replicas' relay ports, and checking the calls it receives on its own.
 */
@ApplicationScoped
public class ClusterCredential {

    /** Header that carries the credential of a cluster call. */
    public static final String HEADER = "X-LocalBridge-Cluster-Auth";

    private final byte[] secret;

    ClusterCredential(GatewayConfig config) {
        this.secret = config.clusterSecret().filter(s -> !s.isBlank())
                .map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    /**
     * Adds the credential of a cluster call for {@code method} and {@code uri} to {@code headers}; call it once every
     * other {@code X-LocalBridge-*} header of the call is set.
     */
    public void sign(String method, String uri, MultiMap headers) {
        if (secret != null) {
            headers.set(HEADER, new String(secret, StandardCharsets.UTF_8));
        }
    }

    /** Whether a received cluster call carries a valid credential; constant time. */
    public boolean verify(HttpServerRequest request) {
        if (secret == null) {
            return true;
        }
        String given = request.getHeader(HEADER);
        return given != null && MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8));
    }
}
