package dev.localbridge.session.nodes;

import java.util.List;
import java.util.Optional;

/** The registry of live gateway replicas; a node is live while it heartbeats within {@code tunnel.node.ttl}. */
public interface NodeRegistry {

    /**
     * Registers (or refreshes) a node. {@code managementAddress} may be {@code null} (a gateway that does not
     * advertise one); registering without it clears a previously registered one.
     */
    NodeView register(String nodeId, String relayAddress, String managementAddress);

    /** Extends a live node's TTL; empty when the node is unknown or already gone (it must register again). */
    Optional<NodeView> heartbeat(String nodeId);

    /** Live nodes, in no particular order. */
    List<NodeView> liveNodes();

    /** Number of live nodes. */
    int liveCount();

    /** Whether {@code nodeId} is live. */
    boolean isLive(String nodeId);

    /** The relay address of a live node, if it is live. */
    Optional<String> relayAddress(String nodeId);

    /** Removes a node at once and announces {@code node-gone}; true when it was registered. */
    boolean deregister(String nodeId);

    /** Removes nodes that stopped heartbeating, announcing each once; returns how many. */
    int sweepExpired();
}
