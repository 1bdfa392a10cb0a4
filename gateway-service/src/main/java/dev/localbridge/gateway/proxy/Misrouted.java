package dev.localbridge.gateway.proxy;

import dev.localbridge.gateway.failure.TunnelFailure;

/**
 * A route that turned out wrong before anything reached the caller and before any request body that could not be
 * sent again was consumed: a holder that answered 421 or could not be reached, or an agent that refused the stream
 * (it is moving to a new tunnel, or is full). The exchange recovers from it once, by routing again while avoiding
 * {@link #nodeId()} or {@link #connectionId()}; otherwise the caller gets {@link #failure()}.
 */
public final class Misrouted extends RuntimeException {

    private final String nodeId;
    private final String connectionId;
    private final TunnelFailure failure;

    private Misrouted(String nodeId, String connectionId, TunnelFailure failure) {
        super(failure.getMessage(), null, false, false);
        this.nodeId = nodeId;
        this.connectionId = connectionId;
        this.failure = failure;
    }

    /** The replica {@code nodeId} does not hold the route, or did not answer. */
    static Misrouted byReplica(String nodeId, TunnelFailure failure) {
        return new Misrouted(nodeId, null, failure);
    }

    /** The tunnel connection {@code connectionId} refused the stream. */
    static Misrouted byConnection(String connectionId, TunnelFailure failure) {
        return new Misrouted(null, connectionId, failure);
    }

    /** The replica to avoid on the next route, or {@code null}. */
    String nodeId() {
        return nodeId;
    }

    /** The local tunnel connection to avoid on the next route, or {@code null}. */
    String connectionId() {
        return connectionId;
    }

    /** What the caller is answered when the exchange does not route again. */
    public TunnelFailure failure() {
        return failure;
    }
}
