package dev.localbridge.session.nodes;

import dev.localbridge.session.SessionConfig;
import dev.localbridge.session.store.RedisScripts;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Nodes in Redis: hash {@code <p>node:<id>} plus the sorted set {@code <p>nodes} scored by expiry. The hash field
 * {@code managementAddress} is absent when a node has none, as in entries written before it existed; the scripts
 * answer {@code ''} for it, read here as {@code null}.
 */
@ApplicationScoped
@Typed(RedisNodeRegistry.class)
class RedisNodeRegistry implements NodeRegistry {

    private static final int SWEEP_BATCH = 100;

    private final RedisScripts scripts;
    private final long ttl;

    RedisNodeRegistry(RedisScripts scripts, SessionConfig config) {
        this.scripts = scripts;
        this.ttl = config.node().ttl();
    }

    @Override
    public NodeView register(String nodeId, String relayAddress, String managementAddress) {
        Response r = scripts.run("node-register", nodeId, relayAddress, Long.toString(ttl),
                managementAddress == null ? "" : managementAddress);
        long expiresAt = r.get(1).toLong();
        return new NodeView(nodeId, relayAddress, managementAddress, r.get(0).toLong(), expiresAt - ttl, expiresAt);
    }

    @Override
    public Optional<NodeView> heartbeat(String nodeId) {
        Response r = scripts.run("node-heartbeat", nodeId, Long.toString(ttl));
        if (r == null || r.size() == 0) {
            return Optional.empty();
        }
        long expiresAt = r.get(2).toLong();
        return Optional.of(new NodeView(nodeId, r.get(0).toString(), optional(r.get(3)), r.get(1).toLong(),
                expiresAt - ttl, expiresAt));
    }

    @Override
    public List<NodeView> liveNodes() {
        Response r = scripts.run("node-list");
        List<NodeView> nodes = new ArrayList<>();
        for (int i = 0; i + 5 < r.size(); i += 6) {
            nodes.add(new NodeView(r.get(i).toString(), r.get(i + 1).toString(), optional(r.get(i + 5)),
                    r.get(i + 2).toLong(), r.get(i + 3).toLong(), r.get(i + 4).toLong()));
        }
        return nodes;
    }

    @Override
    public int liveCount() {
        return scripts.run("stats").get(0).toInteger();
    }

    @Override
    public boolean isLive(String nodeId) {
        return liveNodes().stream().anyMatch(n -> n.nodeId().equals(nodeId));
    }

    @Override
    public Optional<String> relayAddress(String nodeId) {
        return liveNodes().stream().filter(n -> n.nodeId().equals(nodeId)).map(NodeView::relayAddress).findFirst();
    }

    @Override
    public boolean deregister(String nodeId) {
        return scripts.run("node-deregister", nodeId).toInteger() == 1;
    }

    @Override
    public int sweepExpired() {
        return scripts.run("node-sweep", Integer.toString(SWEEP_BATCH)).size();
    }

    private static String optional(Response value) {
        String text = value == null ? null : value.toString();
        return text == null || text.isEmpty() ? null : text;
    }
}
