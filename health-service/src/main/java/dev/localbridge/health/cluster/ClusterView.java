package dev.localbridge.health.cluster;

import java.util.List;

/**
 * What one poll of the cluster found; immutable, replaced by the next poll.
 *
 * @param polledAt   epoch ms the poll finished
 * @param session    session-service as the poll found it
 * @param replicas   the registered gateway replicas, ordered by node id
 * @param leases     live tunnel leases cluster-wide, from session-service (null when it could not be asked)
 * @param window     requests of the last {@code TUNNEL_HEALTH_WINDOW}, all replicas together
 * @param windowMillis that window
 */
public record ClusterView(long polledAt, Session session, List<Replica> replicas, Long leases, Deltas window,
        long windowMillis) {

    /** Replica states. */
    public enum State { READY, DRAINING, UNREACHABLE }

    /**
     * @param configured whether {@code TUNNEL_SESSION_URL} is set
     * @param url        its value
     * @param reachable  whether it answered (its store down makes it answer 503: not reachable for this purpose)
     * @param store      {@code redis} or {@code memory}, as it reported
     * @param message    why, when not reachable
     */
    public record Session(boolean configured, String url, Boolean reachable, String store, String message) {
    }

    /**
     * @param requestRate requests per second over the last poll interval
     * @param window      this replica's requests of the window
     * @param lastSeen    epoch ms of its last answer (null: never answered)
     * @param error       why it is unreachable
     */
    public record Replica(String nodeId, String relayAddress, String managementAddress, State state, int tunnels,
            int streamsInFlight, double requestRate, Deltas window, long memoryBytes, Long lastSeen, String error) {
    }

    /** Tunnels held by the replicas that answered. */
    public long tunnels() {
        return replicas.stream().mapToLong(Replica::tunnels).sum();
    }

    /** Replicas that are ready. */
    public long readyReplicas() {
        return replicas.stream().filter(r -> r.state() == State.READY).count();
    }
}
