package dev.localbridge.session.api;

import dev.localbridge.session.SessionConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * When {@code TUNNEL_CLUSTER_SECRET} is set, every REST call must carry {@code Authorization: Bearer <secret>}.
 * Management endpoints (health, metrics, OpenAPI) live on the management port and are not filtered.
 */
public class ClusterSecretFilter {

    private final Optional<byte[]> expected;

    ClusterSecretFilter(SessionConfig config) {
        this.expected = config.clusterSecret().filter(s -> !s.isBlank())
                .map(s -> ("Bearer " + s).getBytes(StandardCharsets.UTF_8));
    }

    @ServerRequestFilter
    public Response requireClusterSecret(ContainerRequestContext request) {
        if (expected.isEmpty()) {
            return null;
        }
        String given = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (given != null && MessageDigest.isEqual(expected.get(), given.getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        return Response.fromResponse(ErrorMapper.envelope(401, "UNAUTHORIZED",
                        "missing or wrong cluster secret (Authorization: Bearer <TUNNEL_CLUSTER_SECRET>)",
                        ErrorMapper.requestId(request.getHeaderString("X-Request-Id"))))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .build();
    }
}
