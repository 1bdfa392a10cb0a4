package dev.localbridge.health.report;

import dev.localbridge.health.cluster.ClusterPoller;
import dev.localbridge.health.cluster.History;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;

/**
 * {@code GET /api/tunnel/health} (no auth): the cluster view, from the last poll (never waits on the network except
 * for the very first poll after startup). 503 only when tunnels cannot be created. {@code GET /api/tunnel/history}:
 * the samples behind the status page's charts.
 */
@Path("/api/tunnel")
@RunOnVirtualThread
public class TunnelHealthResource {

    /** Body of {@code GET /api/tunnel/history}: one sample per poll, oldest first. */
    public record HistoryView(long intervalMs, List<History.Sample> samples) {
    }

    private final ClusterPoller poller;
    private final Assessment assessment;

    TunnelHealthResource(ClusterPoller poller, Assessment assessment) {
        this.poller = poller;
        this.assessment = assessment;
    }

    @GET
    @Path("/health")
    @Produces(MediaType.APPLICATION_JSON)
    public RestResponse<TunnelHealth> health() {
        TunnelHealth report = assessment.judge(poller.view());
        RestResponse.Status status = "unhealthy".equals(report.status()) ? RestResponse.Status.SERVICE_UNAVAILABLE
                : RestResponse.Status.OK;
        return RestResponse.ResponseBuilder.create(status, report).header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("/history")
    @Produces(MediaType.APPLICATION_JSON)
    public RestResponse<HistoryView> history() {
        return RestResponse.ResponseBuilder.ok(new HistoryView(poller.intervalMillis(), poller.history().samples()))
                .header("Cache-Control", "no-store").build();
    }
}
