package dev.localbridge.session.leases;

import dev.localbridge.session.SessionConfig;
import dev.localbridge.session.api.SessionFailure;
import dev.localbridge.session.store.RedisScripts;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import java.util.ArrayList;
import java.util.List;

/** Leases in Redis; every operation is one Lua script (see README, "Redis layout"). */
@ApplicationScoped
@Typed(RedisLeaseStore.class)
class RedisLeaseStore implements LeaseStore {

    private static final int SWEEP_BATCH = 200;

    private final RedisScripts scripts;
    private final SessionConfig config;

    RedisLeaseStore(RedisScripts scripts, SessionConfig config) {
        this.scripts = scripts;
        this.config = config;
    }

    @Override
    public AcquiredLease acquire(String userId, String connectionId, String nodeId) {
        Response r = scripts.run("lease-acquire", userId, connectionId, nodeId,
                Integer.toString(config.maxConnectionsPerUser()), Long.toString(config.lease().ttl()));
        String outcome = r.get(0).toString();
        return switch (outcome) {
            case "nonode" -> throw SessionFailure.nodeNotFound(nodeId);
            case "conflict" -> throw SessionFailure.leaseConflict(connectionId);
            case "limit" -> throw SessionFailure.connectionLimit(r.get(1).toInteger(), config.maxConnectionsPerUser());
            default -> new AcquiredLease(outcome, userId, connectionId, nodeId, r.get(1).toLong(), r.get(2).toLong());
        };
    }

    @Override
    public RenewLeasesResponse renew(String nodeId, List<LeaseRef> leases) {
        List<String> args = new ArrayList<>(2 + 2 * leases.size());
        args.add(nodeId);
        args.add(Long.toString(config.lease().ttl()));
        for (LeaseRef lease : leases) {
            args.add(lease.connectionId());
            args.add(Long.toString(lease.epoch()));
        }
        Response r = scripts.run("lease-renew", args);
        return new RenewLeasesResponse(strings(r.get(0)), strings(r.get(1)), strings(r.get(2)), r.get(3).toLong());
    }

    @Override
    public Release release(String connectionId, String nodeId, long epoch) {
        return Release.valueOf(scripts.run("lease-release", connectionId, nodeId, Long.toString(epoch))
                .toString().toUpperCase());
    }

    @Override
    public List<Lease> liveLeases(String userId) {
        Response r = scripts.run("lease-lookup", userId);
        List<Lease> leases = new ArrayList<>();
        for (int i = 0; i + 4 < r.size(); i += 5) {
            leases.add(new Lease(userId, r.get(i).toString(), r.get(i + 1).toString(), r.get(i + 2).toLong(),
                    r.get(i + 3).toLong(), r.get(i + 4).toString()));
        }
        return leases;
    }

    @Override
    public long liveCount() {
        return scripts.run("stats").get(1).toLong();
    }

    @Override
    public int releaseAllOf(String nodeId) {
        return scripts.run("lease-release-node", nodeId).toInteger();
    }

    @Override
    public int sweepExpired() {
        return scripts.run("lease-sweep", Integer.toString(SWEEP_BATCH)).toInteger();
    }

    private static List<String> strings(Response array) {
        List<String> out = new ArrayList<>(array.size());
        for (Response item : array) {
            out.add(item.toString());
        }
        return out;
    }
}
