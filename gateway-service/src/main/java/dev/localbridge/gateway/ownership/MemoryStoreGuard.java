package dev.localbridge.gateway.ownership;

import org.jboss.logging.Logger;

import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.TunnelFailure;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;

/**
 * A session-service on the memory store ({@code TUNNEL_SESSION_STORE=memory}) is for one replica only. When it reports
 * more than one live node, this replica refuses remote routing (503 {@code ROUTING_UNAVAILABLE}, saying why) and
 * logs an ERROR once: the store's state cannot be trusted across replicas, so a relayed request could reach the
 * wrong one. Local tunnels keep working. Checked once per lease round via {@code GET /api/stats}.
 */
final class MemoryStoreGuard {

    private static final Logger LOG = Logger.getLogger(MemoryStoreGuard.class);

    private final SessionClient session;
    private volatile TunnelFailure refusal;
    private volatile ClusterFigures figures;
    private boolean logged;

    MemoryStoreGuard(SessionClient session) {
        this.session = session;
    }

    /** Non-null while remote routing must be refused. */
    TunnelFailure refusal() {
        return refusal;
    }

    /** What session-service reported at the last check, or null. */
    ClusterFigures figures() {
        return figures;
    }

    Future<Void> check() {
        return session.call("stats", HttpMethod.GET, "/api/stats", null).map(reply -> {
            if (!reply.ok()) {
                return null;
            }
            SessionApi.StoreStats stats = session.decode(reply, SessionApi.StoreStats.class);
            figures = new ClusterFigures(stats.store(), stats.liveNodes(), stats.liveLeases(),
                    System.currentTimeMillis());
            if ("memory".equalsIgnoreCase(stats.store()) && stats.liveNodes() > 1) {
                if (!logged) {
                    logged = true;
                    LOG.errorf("session-service %s uses the memory store (single replica only) but %d gateway "
                            + "nodes are live: remote routing is refused until it runs on Redis "
                            + "(TUNNEL_SESSION_STORE=redis) or only one gateway is left", session.baseUrl(),
                            stats.liveNodes());
                }
                refusal = new TunnelFailure(ErrorCode.ROUTING_UNAVAILABLE, "Routing across gateway replicas is "
                        + "disabled: session-service runs on its memory store, which supports a single gateway only");
            } else {
                if (refusal != null) {
                    LOG.infof("session-service %s: store %s with %d live nodes, remote routing enabled again",
                            session.baseUrl(), stats.store(), stats.liveNodes());
                }
                refusal = null;
                logged = false;
            }
            return null;
        });
    }
}
