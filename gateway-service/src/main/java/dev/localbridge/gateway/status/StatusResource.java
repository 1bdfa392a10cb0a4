package dev.localbridge.gateway.status;

import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.localbridge.gateway.auth.BearerTokens;
import dev.localbridge.gateway.auth.TokenVerifier;
import dev.localbridge.gateway.auth.VerifiedToken;
import dev.localbridge.gateway.config.GatewayConfig;
import dev.localbridge.gateway.config.NodeIdentity;
import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.ErrorResponses;
import dev.localbridge.gateway.failure.TunnelFailure;
import dev.localbridge.gateway.metrics.RecentStats;
import dev.localbridge.gateway.metrics.TunnelMetrics;
import dev.localbridge.gateway.ownership.Ownership;
import dev.localbridge.gateway.status.StatusViews.Checks;
import dev.localbridge.gateway.status.StatusViews.ClusterView;
import dev.localbridge.gateway.status.StatusViews.ConnectionView;
import dev.localbridge.gateway.status.StatusViews.MetricsView;
import dev.localbridge.gateway.status.StatusViews.ReplicaHealth;
import dev.localbridge.gateway.status.StatusViews.SystemFigures;
import dev.localbridge.gateway.status.StatusViews.Thresholds;
import dev.localbridge.gateway.status.StatusViews.TunnelStatus;
import dev.localbridge.gateway.status.StatusViews.UserFigures;
import dev.localbridge.gateway.status.StatusViews.UserHealth;
import dev.localbridge.gateway.status.StatusViews.WindowView;
import dev.localbridge.gateway.tunnel.LocalTunnels;
import dev.localbridge.gateway.tunnel.TunnelConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * The JSON endpoints beside the proxy: the replica's public health (figures only, no node id or address), and the
 * caller's own tunnel status, health and figures (JWT; another user's id gets 403 and learns nothing).
 */
@Path("/api/tunnel")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

    private final TokenVerifier verifier;
    private final LocalTunnels tunnels;
    private final TunnelMetrics metrics;
    private final NodeIdentity node;
    private final GatewayConfig.Health thresholds;
    private final Ownership ownership;

    StatusResource(TokenVerifier verifier, LocalTunnels tunnels, TunnelMetrics metrics, NodeIdentity node,
            GatewayConfig config, Ownership ownership) {
        this.ownership = ownership;
        this.verifier = verifier;
        this.tunnels = tunnels;
        this.metrics = metrics;
        this.node = node;
        this.thresholds = config.health();
    }

    @GET
    @Path("/health")
    public Response replicaHealth() {
        RecentStats.Window w = metrics.recent();
        int count = tunnels.count();
        Checks checks = new Checks(count > 0, w.successRate() >= thresholds.minSuccessRate(),
                w.timeoutRate() <= thresholds.maxTimeoutRate(),
                w.averageTtfbMillis() <= thresholds.maxAverageResponseTime());
        boolean ok = checks.successRateOk() && checks.timeoutRateOk() && checks.averageResponseTimeOk();
        ReplicaHealth body = new ReplicaHealth(ok ? "healthy" : "degraded", checks, count,
                streamsInFlight(tunnels.all()), view(w),
                new Thresholds(thresholds.minSuccessRate(), thresholds.maxTimeoutRate(),
                        thresholds.maxAverageResponseTime()),
                Instant.now());
        return Response.ok(body).header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("/status")
    public Uni<TunnelStatus> status(HttpServerRequest request) {
        return caller(request).map(token -> {
            List<ConnectionView> connections = tunnels.connections(token.userId()).stream()
                    .map(t -> new ConnectionView(t.id(), node.nodeId(), t.connectedAt(), t.streamsInFlight(),
                            t.requests(), t.rttMillis()))
                    .toList();
            return new TunnelStatus(token.userId(), !connections.isEmpty(), connections, Instant.now());
        });
    }

    @GET
    @Path("/health/{userId}")
    public Uni<UserHealth> userHealth(HttpServerRequest request, @PathParam("userId") String userId) {
        return caller(request).map(token -> {
            if (!token.userId().equals(userId)) {
                throw new TunnelFailure(ErrorCode.TUNNEL_ACCESS_DENIED, "You may only see your own tunnel");
            }
            List<TunnelConnection> connections = tunnels.connections(userId);
            double rtt = connections.stream().mapToDouble(TunnelConnection::rttMillis).max().orElse(-1);
            return new UserHealth(userId, connections.isEmpty() ? "disconnected" : "connected", connections.size(),
                    rtt, Instant.now());
        });
    }

    @GET
    @Path("/metrics")
    public Uni<MetricsView> metrics(HttpServerRequest request) {
        return caller(request).flatMap(token -> remoteConnections(token.userId()).map(remote -> {
            List<TunnelConnection> mine = tunnels.connections(token.userId());
            UserFigures user = new UserFigures(token.userId(), mine.size(), remote, streamsInFlight(mine),
                    mine.stream().mapToLong(TunnelConnection::requests).sum(),
                    mine.stream().mapToLong(TunnelConnection::bytesToAgent).sum(),
                    mine.stream().mapToLong(TunnelConnection::bytesFromAgent).sum());
            SystemFigures system = new SystemFigures(node.nodeId(), tunnels.count(), streamsInFlight(tunnels.all()),
                    view(metrics.recent()));
            ClusterView cluster = ownership.clusterFigures()
                    .map(f -> new ClusterView(true, f.store(), f.replicas(), f.tunnels(), Instant.ofEpochMilli(f.readAt())))
                    .orElseGet(() -> ownership.clustered() ? null
                            : new ClusterView(false, null, 1, tunnels.count(), Instant.now()));
            return new MetricsView(user, system, cluster, Instant.now());
        }));
    }

    /** The caller's connections held by other replicas (cached routes; null when they cannot be known now). */
    private Uni<Integer> remoteConnections(String userId) {
        if (!ownership.clustered()) {
            return Uni.createFrom().item(0);
        }
        return Uni.createFrom().completionStage(() -> ownership.remoteRoutes(userId).toCompletionStage())
                .map(List::size).onFailure().recoverWithNull();
    }

    @ServerExceptionMapper
    Response map(TunnelFailure failure, HttpServerRequest request) {
        Response.ResponseBuilder builder = Response.status(failure.code().status())
                .type(MediaType.APPLICATION_JSON)
                .entity(ErrorResponses.body(failure.code(), failure.getMessage(), requestId(request)));
        ErrorResponses.standardHeaders(failure.code()).forEach(builder::header);
        failure.headers().forEach(builder::header);
        return builder.build();
    }

    private Uni<VerifiedToken> caller(HttpServerRequest request) {
        return Uni.createFrom().completionStage(
                () -> verifier.verify(BearerTokens.fromAuthorization(request)).toCompletionStage());
    }

    private static String requestId(HttpServerRequest request) {
        String id = request.getHeader("X-Request-Id");
        return id != null && id.length() <= 128 ? id : java.util.UUID.randomUUID().toString();
    }

    private static int streamsInFlight(java.util.Collection<TunnelConnection> connections) {
        return connections.stream().mapToInt(TunnelConnection::streamsInFlight).sum();
    }

    private static WindowView view(RecentStats.Window w) {
        return new WindowView(w.seconds(), w.requests(), w.successRate(), w.timeoutRate(), w.averageTtfbMillis());
    }
}
