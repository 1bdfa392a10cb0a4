package dev.localbridge.health.report;

import dev.localbridge.health.cluster.ClusterPoller;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The public endpoints (no auth, {@code /api/tunnel/health} is routed by the ingress): {@code GET /api/tunnel/health}
 * is the {@link PublicHealth} projection of the cluster report, from the last poll (never waits on the network except
 * for the very first poll after startup), 503 only when tunnels cannot be created; {@code GET /api/tunnel/history}
 * the chart samples, which are counts and rates only. The detailed view is {@link OperatorRoutes}, on the management
 * port.
 */
@Path("/api/tunnel")
@RunOnVirtualThread
public class TunnelHealthResource {

    private final ClusterPoller poller;
    private final Assessment assessment;

    TunnelHealthResource(ClusterPoller poller, Assessment assessment) {
        this.poller = poller;
        this.assessment = assessment;
    }

    @GET
    @Path("/health")
    @Produces(MediaType.APPLICATION_JSON)
    public RestResponse<PublicHealth> health() {
        PublicHealth answer = PublicHealth.of(assessment.judge(poller.view()));
        RestResponse.Status status = "unhealthy".equals(answer.status()) ? RestResponse.Status.SERVICE_UNAVAILABLE
                : RestResponse.Status.OK;
        return RestResponse.ResponseBuilder.create(status, answer).header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("/history")
    @Produces(MediaType.APPLICATION_JSON)
    public RestResponse<HistoryView> history() {
        return RestResponse.ResponseBuilder.ok(new HistoryView(poller.intervalMillis(), poller.history().samples()))
                .header("Cache-Control", "no-store").build();
    }
}
