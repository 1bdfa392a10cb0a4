package dev.localbridge.session.leases;

import dev.localbridge.session.metrics.SessionMetrics;
import dev.localbridge.session.metrics.SessionMetrics.LeaseOperation;
import dev.localbridge.session.metrics.SessionMetrics.Result;

import java.util.List;

/**
 * The lease store the application uses: the configured one, with every acquire, renew, release and lookup counted
 * in {@code localbridge_session_lease_operations_total}, whichever store it is. Requests refused by validation (400)
 * never reach it and are not counted.
 */
final class MeteredLeaseStore implements LeaseStore {

    private final LeaseStore store;
    private final SessionMetrics metrics;

    MeteredLeaseStore(LeaseStore store, SessionMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public AcquiredLease acquire(String userId, String connectionId, String nodeId) {
        return metrics.leaseOperation(LeaseOperation.ACQUIRE, () -> store.acquire(userId, connectionId, nodeId));
    }

    /** One operation per lease in the batch: renewed is {@code ok}, gone or fenced is {@code refused}. */
    @Override
    public RenewLeasesResponse renew(String nodeId, List<LeaseRef> leases) {
        RenewLeasesResponse answer;
        try {
            answer = store.renew(nodeId, leases);
        } catch (RuntimeException failure) {
            metrics.leaseOperations(LeaseOperation.RENEW, SessionMetrics.resultOf(failure), leases.size());
            throw failure;
        }
        metrics.leaseOperations(LeaseOperation.RENEW, Result.OK, answer.renewed().size());
        metrics.leaseOperations(LeaseOperation.RENEW, Result.REFUSED, answer.gone().size() + answer.fenced().size());
        return answer;
    }

    /** {@code GONE} and {@code FENCED} are refusals. */
    @Override
    public Release release(String connectionId, String nodeId, long epoch) {
        return metrics.leaseOperation(LeaseOperation.RELEASE, () -> store.release(connectionId, nodeId, epoch),
                outcome -> outcome == Release.RELEASED ? Result.OK : Result.REFUSED);
    }

    @Override
    public List<Lease> liveLeases(String userId) {
        return metrics.leaseOperation(LeaseOperation.LOOKUP, () -> store.liveLeases(userId));
    }

    @Override
    public long liveCount() {
        return store.liveCount();
    }

    @Override
    public int releaseAllOf(String nodeId) {
        return store.releaseAllOf(nodeId);
    }

    @Override
    public int sweepExpired() {
        return store.sweepExpired();
    }
}
