package dev.localbridge.session.store;

import dev.localbridge.session.SessionConfig;
import dev.localbridge.session.leases.LeaseStore;
import dev.localbridge.session.nodes.NodeRegistry;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Cluster figures for health-service. */
@Path("/api/stats")
@Tag(name = "stats")
@RunOnVirtualThread
public class StatsResource {

    private final SessionConfig config;
    private final NodeRegistry nodes;
    private final LeaseStore leases;

    StatsResource(SessionConfig config, NodeRegistry nodes, LeaseStore leases) {
        this.config = config;
        this.nodes = nodes;
        this.leases = leases;
    }

    @GET
    @Operation(summary = "Live nodes and live leases, cluster-wide")
    public StoreStats stats() {
        return new StoreStats(config.sessionStore().name(), nodes.liveCount(), leases.liveCount());
    }
}
