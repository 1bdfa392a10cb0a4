package dev.localbridge.session.leases;

import java.util.List;

/**
 * Tunnel leases {@code (userId, connectionId) -> (nodeId, epoch)} with a TTL and the cluster-wide per-user
 * connection limit, enforced in the same atomic step as the acquisition.
 */
public interface LeaseStore {

    /** Outcome of a release. */
    enum Release { RELEASED, GONE, FENCED }

    /**
     * Acquires a lease for a live node, atomically with the connection limit.
     *
     * @throws dev.localbridge.session.api.SessionFailure 429 over the limit, 409 id of another user, 404 node unknown
     */
    AcquiredLease acquire(String userId, String connectionId, String nodeId);

    /** Renews every listed lease that {@code nodeId} still holds. */
    RenewLeasesResponse renew(String nodeId, List<LeaseRef> leases);

    /** Releases a lease if {@code nodeId} (and {@code epoch}, unless 0) still holds it. */
    Release release(String connectionId, String nodeId, long epoch);

    /** The user's live leases held by live nodes. */
    List<Lease> liveLeases(String userId);

    /** Number of live leases cluster-wide. */
    long liveCount();

    /** Releases every lease of a node that leaves; returns how many. */
    int releaseAllOf(String nodeId);

    /** Removes expired leases, announcing each once; returns how many. */
    int sweepExpired();
}
