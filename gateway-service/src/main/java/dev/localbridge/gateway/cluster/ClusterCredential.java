package dev.localbridge.gateway.cluster;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.localbridge.gateway.config.GatewayConfig;
import dev.localbridge.protocol.cluster.ClusterSignature;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;

/**
 * The cluster credential ({@code TUNNEL_CLUSTER_SECRET}) as the gateway uses it: signing the calls it makes to other
 * replicas' relay ports and to session-service, and checking the calls it receives on its relay port
 * ({@link ClusterSignature}: the secret itself never leaves the process). A relay call's signature covers its method,
 * path and query and route headers, not its body, which is streamed; one to session-service covers its body too.
 * Without a secret nothing is signed and every received call is refused.
 */
@ApplicationScoped
public class ClusterCredential {

    /** Header that carries the signature of a cluster call. */
    public static final String HEADER = ClusterSignature.HEADER;

    private final Optional<ClusterSignature> signature;

    ClusterCredential(GatewayConfig config) {
        this.signature = config.clusterSecret().filter(s -> !s.isBlank()).map(ClusterSignature::new);
    }

    /**
     * Adds the signature of a relay call for {@code method} and {@code uri} (path and query) to {@code headers}; call it
     * once the route headers ({@code X-LocalBridge-Connection}, {@code -Epoch}, {@code -User}) are set.
     */
    public void sign(String method, String uri, MultiMap headers) {
        signature.ifPresent(s -> headers.set(HEADER, s.sign(ClusterSignature.Call.of(method, uri).withRoute(
                headers.get(ClusterSignature.CONNECTION_HEADER), headers.get(ClusterSignature.EPOCH_HEADER),
                headers.get(ClusterSignature.USER_HEADER)))));
    }

    /** Whether a received relay call is signed for exactly this request, fresh and not seen before. */
    public boolean verify(HttpServerRequest request) {
        return check(request).valid();
    }

    /** {@link #verify} with the reason of a refusal, for the log. */
    public ClusterSignature.Verdict check(HttpServerRequest request) {
        if (signature.isEmpty()) {
            return new ClusterSignature.Verdict(false, "this replica has no cluster secret");
        }
        return signature.get().verify(ClusterSignature.Call.of(request.method().name(), request.uri()).withRoute(
                        request.getHeader(ClusterSignature.CONNECTION_HEADER),
                        request.getHeader(ClusterSignature.EPOCH_HEADER),
                        request.getHeader(ClusterSignature.USER_HEADER)),
                request.getHeader(HEADER));
    }

    /**
     * The header value for a call to session-service, covering {@code body} (null: none); empty without a secret.
     * {@code target} is the path and query exactly as sent.
     */
    public Optional<String> signSessionCall(String method, String target, byte[] body) {
        return signature.map(s -> s.sign(ClusterSignature.Call.of(method, target).withBody(body)));
    }
}
