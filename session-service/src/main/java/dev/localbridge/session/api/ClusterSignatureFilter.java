package dev.localbridge.session.api;

import dev.localbridge.protocol.cluster.ClusterSignature;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Every REST call must be signed with the cluster secret ({@link ClusterSignature}, header
 * {@code X-LocalBridge-Cluster-Auth}), covering its method, path and query, and body; else 401 with the error
 * envelope. Runs once the body is read ({@code readBody}), so the signature can cover it; the bodies are small JSON
 * documents. Management endpoints (health, metrics, OpenAPI) live on the management port and are not filtered.
 */
public class ClusterSignatureFilter {

    private final ClusterTrust trust;

    ClusterSignatureFilter(ClusterTrust trust) {
        this.trust = trust;
    }

    @ServerRequestFilter(readBody = true)
    public Response requireSignature(ContainerRequestContext context, HttpServerRequest request) throws IOException {
        if (trust.signature().isEmpty()) {
            return null;
        }
        byte[] body = new byte[0];
        InputStream entity = context.hasEntity() ? context.getEntityStream() : null;
        if (entity != null) {
            body = entity.readAllBytes();
            context.setEntityStream(new ByteArrayInputStream(body));
        }
        ClusterSignature.Call call = ClusterSignature.Call.of(request.method().name(), request.uri()).withBody(body);
        ClusterSignature.Verdict verdict = trust.signature().get()
                .verify(call, request.getHeader(ClusterSignature.HEADER));
        if (verdict.valid()) {
            return null;
        }
        String requestId = ErrorMapper.requestId(request.getHeader("X-Request-Id"));
        Log.warnf("[%s] refused %s %s from %s: %s", requestId, request.method(), request.path(),
                request.remoteAddress(), verdict.reason());
        return Response.fromResponse(ErrorMapper.envelope(401, "UNAUTHORIZED",
                        "cluster call not accepted: " + verdict.reason()
                                + " (sign it with TUNNEL_CLUSTER_SECRET, header " + ClusterSignature.HEADER + ")",
                        requestId))
                .header(HttpHeaders.WWW_AUTHENTICATE, "LB-Cluster-HMAC-SHA256 realm=\"localbridge-cluster\"")
                .build();
    }
}
