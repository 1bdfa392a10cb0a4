package dev.localbridge.session.nodes;

import dev.localbridge.session.SessionConfig;
import dev.localbridge.session.events.ChangeEvent;
import dev.localbridge.session.events.ChangeFeed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/** Nodes in a map of this process (single session-service replica only). */
@ApplicationScoped
@Typed(MemoryNodeRegistry.class)
class MemoryNodeRegistry implements NodeRegistry {

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, NodeView> nodes = new HashMap<>();
    private final long ttl;
    private final ChangeFeed feed;

    MemoryNodeRegistry(SessionConfig config, ChangeFeed feed) {
        this.ttl = config.node().ttl();
        this.feed = feed;
    }

    @Override
    public NodeView register(String nodeId, String relayAddress, String managementAddress) {
        long now = System.currentTimeMillis();
        lock.lock();
        try {
            NodeView current = live(nodeId, now);
            NodeView node = new NodeView(nodeId, relayAddress, managementAddress,
                    current == null ? now : current.registeredAt(), now, now + ttl);
            nodes.put(nodeId, node);
            return node;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<NodeView> heartbeat(String nodeId) {
        long now = System.currentTimeMillis();
        lock.lock();
        try {
            NodeView current = live(nodeId, now);
            if (current == null) {
                return Optional.empty();
            }
            NodeView node = new NodeView(nodeId, current.relayAddress(), current.managementAddress(),
                    current.registeredAt(), now, now + ttl);
            nodes.put(nodeId, node);
            return Optional.of(node);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<NodeView> liveNodes() {
        long now = System.currentTimeMillis();
        lock.lock();
        try {
            return nodes.values().stream().filter(n -> n.expiresAt() > now).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int liveCount() {
        return liveNodes().size();
    }

    @Override
    public boolean isLive(String nodeId) {
        return relayAddress(nodeId).isPresent();
    }

    @Override
    public Optional<String> relayAddress(String nodeId) {
        lock.lock();
        try {
            return Optional.ofNullable(live(nodeId, System.currentTimeMillis())).map(NodeView::relayAddress);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean deregister(String nodeId) {
        boolean existed;
        lock.lock();
        try {
            existed = live(nodeId, System.currentTimeMillis()) != null;
            nodes.remove(nodeId);
        } finally {
            lock.unlock();
        }
        if (existed) {
            feed.publish(ChangeEvent.nodeGone(nodeId, "deregistered"));
        }
        return existed;
    }

    @Override
    public int sweepExpired() {
        long now = System.currentTimeMillis();
        List<String> gone = new ArrayList<>();
        lock.lock();
        try {
            nodes.values().removeIf(n -> {
                boolean expired = n.expiresAt() <= now;
                if (expired) {
                    gone.add(n.nodeId());
                }
                return expired;
            });
        } finally {
            lock.unlock();
        }
        gone.forEach(id -> feed.publish(ChangeEvent.nodeGone(id, "expired")));
        return gone.size();
    }

    private NodeView live(String nodeId, long now) {
        NodeView node = nodes.get(nodeId);
        return node != null && node.expiresAt() > now ? node : null;
    }
}
