package dev.localbridge.health.report;

import dev.localbridge.health.session.SessionServiceClient;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/tunnel/health} (no auth): the cluster view. Zero tunnels is healthy; 503 only when tunnels cannot
 * be created (session-service or its store unreachable, no gateway registered).
 */
@Path("/api/tunnel/health")
@RunOnVirtualThread
public class TunnelHealthResource {

    private static final TunnelHealth.Checks NO_CONNECTIONS = new TunnelHealth.Checks(false, true, true, true);

    private final SessionServiceClient session;

    TunnelHealthResource(SessionServiceClient session) {
        this.session = session;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public RestResponse<TunnelHealth> health() {
        String now = Instant.now().toString();
        if (session.baseUrl().isEmpty()) {
            return RestResponse.ok(new TunnelHealth("healthy", NO_CONNECTIONS,
                    new TunnelHealth.SessionServiceStatus(false, null, null,
                            "TUNNEL_SESSION_URL is not set: no cluster view, nothing known to be failing"),
                    List.of(), null, now, TunnelHealth.RATES_NOT_AGGREGATED));
        }
        String url = session.baseUrl().get().toString();
        try {
            SessionServiceClient.Snapshot snapshot = session.snapshot();
            List<TunnelHealth.Node> nodes = snapshot.nodes().stream()
                    .map(n -> new TunnelHealth.Node(n.nodeId(), n.relayAddress())).toList();
            long connections = snapshot.stats().liveLeases();
            TunnelHealth.Checks checks = new TunnelHealth.Checks(connections > 0, true, true, true);
            if (nodes.isEmpty()) {
                return RestResponse.status(RestResponse.Status.SERVICE_UNAVAILABLE, new TunnelHealth("unhealthy",
                        checks, new TunnelHealth.SessionServiceStatus(true, url, true,
                                "no gateway replica is registered: tunnels cannot be created"),
                        nodes, connections, now, TunnelHealth.RATES_NOT_AGGREGATED));
            }
            return RestResponse.ok(new TunnelHealth("healthy", checks,
                    new TunnelHealth.SessionServiceStatus(true, url, true, null), nodes, connections, now,
                    TunnelHealth.RATES_NOT_AGGREGATED));
        } catch (SessionServiceClient.Unreachable e) {
            return RestResponse.status(RestResponse.Status.SERVICE_UNAVAILABLE, new TunnelHealth("unhealthy",
                    NO_CONNECTIONS, new TunnelHealth.SessionServiceStatus(true, url, false,
                            "session-service unreachable: " + e.getMessage()),
                    List.of(), null, now, TunnelHealth.RATES_NOT_AGGREGATED));
        }
    }
}
