package dev.localbridge.gateway.status;

import java.lang.management.ManagementFactory;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.localbridge.gateway.config.NodeIdentity;
import dev.localbridge.gateway.drain.Drain;
import dev.localbridge.gateway.metrics.MemoryUse;
import dev.localbridge.gateway.metrics.Totals;
import dev.localbridge.gateway.metrics.TunnelMetrics;
import dev.localbridge.gateway.tunnel.LocalTunnels;
import dev.localbridge.gateway.tunnel.TunnelConnection;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /q/localbridge} on the management port: this replica's live state and its counters since start, in
 * one small JSON document. health-service polls it on every replica it finds in the node registry; like
 * {@code /q/metrics} it is not routed through the ingress.
 */
@ApplicationScoped
public class ReplicaFigures {

    /** The management path. */
    public static final String PATH = "/q/localbridge";

    /**
     * @param nodeId           {@code TUNNEL_NODE_ID}
     * @param startedAt        epoch ms this process started: a new value means the counters started again from 0
     * @param draining         whether the replica is draining (SIGTERM received)
     * @param tunnels          tunnels held
     * @param streamsInFlight  proxied requests in flight on those tunnels
     * @param requestsInFlight requests this replica is answering (callers' and relayed ones)
     * @param totals           counters since start
     * @param memoryUsedBytes  heap after the last GC plus non-heap ({@code localbridge_memory_used_bytes})
     * @param timestamp        epoch ms of this answer
     */
    @RegisterForReflection
    public record Figures(String nodeId, long startedAt, boolean draining, int tunnels, int streamsInFlight,
            int requestsInFlight, Totals totals, long memoryUsedBytes, long timestamp) {
    }

    private final NodeIdentity node;
    private final LocalTunnels tunnels;
    private final TunnelMetrics metrics;
    private final Drain drain;
    private final ObjectMapper json;

    ReplicaFigures(NodeIdentity node, LocalTunnels tunnels, TunnelMetrics metrics, Drain drain, ObjectMapper json) {
        this.node = node;
        this.tunnels = tunnels;
        this.metrics = metrics;
        this.drain = drain;
        this.json = json;
    }

    void route(@Observes ManagementInterface management) {
        management.router().get(PATH).handler(this::answer);
    }

    /** The figures now. */
    public Figures now() {
        return new Figures(node.nodeId(), ManagementFactory.getRuntimeMXBean().getStartTime(), drain.draining(),
                tunnels.count(), tunnels.all().stream().mapToInt(TunnelConnection::streamsInFlight).sum(),
                metrics.requestsInFlight(), metrics.totals(), MemoryUse.usedBytes(), System.currentTimeMillis());
    }

    private void answer(RoutingContext context) {
        try {
            context.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                    .end(json.writeValueAsString(now()));
        } catch (JsonProcessingException e) {
            context.fail(e);
        }
    }
}
