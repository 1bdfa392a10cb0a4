package dev.localbridge.session.leases;

import dev.localbridge.session.SessionConfig;
import dev.localbridge.session.api.SessionFailure;
import dev.localbridge.session.events.ChangeEvent;
import dev.localbridge.session.events.ChangeFeed;
import dev.localbridge.session.nodes.NodeRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Leases in maps of this process, under one lock (the memory twin of the Lua scripts). Single replica only: a second
 * session-service replica would keep its own, disjoint state.
 */
@ApplicationScoped
@Typed(MemoryLeaseStore.class)
class MemoryLeaseStore implements LeaseStore {

    private record Entry(String userId, String connectionId, String nodeId, long epoch, long expiresAt) {
        Entry renewed(long until) {
            return new Entry(userId, connectionId, nodeId, epoch, until);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Entry> byConnection = new HashMap<>();
    private final Map<String, Set<String>> byUser = new HashMap<>();
    private final SessionConfig config;
    private final NodeRegistry nodes;
    private final ChangeFeed feed;
    private long epoch = System.currentTimeMillis() * 1000;

    MemoryLeaseStore(SessionConfig config, NodeRegistry nodes, ChangeFeed feed) {
        this.config = config;
        this.nodes = nodes;
        this.feed = feed;
    }

    @Override
    public AcquiredLease acquire(String userId, String connectionId, String nodeId) {
        if (!nodes.isLive(nodeId)) {
            throw SessionFailure.nodeNotFound(nodeId);
        }
        long now = System.currentTimeMillis();
        long expiry = now + config.lease().ttl();
        ChangeEvent event;
        AcquiredLease result;
        lock.lock();
        try {
            Entry current = live(connectionId, now);
            if (current != null && !current.userId().equals(userId)) {
                throw SessionFailure.leaseConflict(connectionId);
            }
            if (current != null && current.nodeId().equals(nodeId)) {
                byConnection.put(connectionId, current.renewed(expiry));
                return new AcquiredLease("renewed", userId, connectionId, nodeId, current.epoch(), expiry);
            }
            if (current == null) {
                long count = byUser.getOrDefault(userId, Set.of()).stream()
                        .filter(c -> live(c, now) != null).count();
                if (count >= config.maxConnectionsPerUser()) {
                    throw SessionFailure.connectionLimit((int) count, config.maxConnectionsPerUser());
                }
            }
            remove(connectionId);
            Entry entry = new Entry(userId, connectionId, nodeId, ++epoch, expiry);
            byConnection.put(connectionId, entry);
            byUser.computeIfAbsent(userId, u -> new LinkedHashSet<>()).add(connectionId);
            String outcome = current == null ? "acquired" : "moved";
            event = ChangeEvent.lease(current == null ? ChangeEvent.LEASE_ACQUIRED : ChangeEvent.LEASE_MOVED, userId,
                    connectionId, nodeId, current == null ? null : current.nodeId(), entry.epoch(), null);
            result = new AcquiredLease(outcome, userId, connectionId, nodeId, entry.epoch(), expiry);
        } finally {
            lock.unlock();
        }
        feed.publish(event);
        return result;
    }

    @Override
    public RenewLeasesResponse renew(String nodeId, List<LeaseRef> leases) {
        long now = System.currentTimeMillis();
        long expiry = now + config.lease().ttl();
        List<String> renewed = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        List<String> fenced = new ArrayList<>();
        lock.lock();
        try {
            for (LeaseRef ref : leases) {
                Entry current = live(ref.connectionId(), now);
                if (current == null) {
                    gone.add(ref.connectionId());
                } else if (!owns(current, nodeId, ref.epoch())) {
                    fenced.add(ref.connectionId());
                } else {
                    byConnection.put(ref.connectionId(), current.renewed(expiry));
                    renewed.add(ref.connectionId());
                }
            }
        } finally {
            lock.unlock();
        }
        return new RenewLeasesResponse(renewed, gone, fenced, expiry);
    }

    @Override
    public Release release(String connectionId, String nodeId, long epoch) {
        Entry current;
        lock.lock();
        try {
            current = live(connectionId, System.currentTimeMillis());
            if (current == null) {
                return Release.GONE;
            }
            if (!owns(current, nodeId, epoch)) {
                return Release.FENCED;
            }
            remove(connectionId);
        } finally {
            lock.unlock();
        }
        feed.publish(released(current, "closed"));
        return Release.RELEASED;
    }

    @Override
    public List<Lease> liveLeases(String userId) {
        long now = System.currentTimeMillis();
        List<Entry> entries;
        lock.lock();
        try {
            entries = byUser.getOrDefault(userId, Set.of()).stream().map(c -> live(c, now))
                    .filter(e -> e != null).toList();
        } finally {
            lock.unlock();
        }
        List<Lease> leases = new ArrayList<>();
        for (Entry e : entries) {
            Optional<String> relay = nodes.relayAddress(e.nodeId());
            relay.ifPresent(address -> leases.add(
                    new Lease(e.userId(), e.connectionId(), e.nodeId(), e.epoch(), e.expiresAt(), address)));
        }
        return leases;
    }

    @Override
    public long liveCount() {
        long now = System.currentTimeMillis();
        lock.lock();
        try {
            return byConnection.values().stream().filter(e -> e.expiresAt() > now).count();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int releaseAllOf(String nodeId) {
        List<Entry> released = new ArrayList<>();
        lock.lock();
        try {
            for (Entry e : List.copyOf(byConnection.values())) {
                if (e.nodeId().equals(nodeId)) {
                    remove(e.connectionId());
                    released.add(e);
                }
            }
        } finally {
            lock.unlock();
        }
        released.forEach(e -> feed.publish(released(e, "node-gone")));
        return released.size();
    }

    @Override
    public int sweepExpired() {
        long now = System.currentTimeMillis();
        List<Entry> expired = new ArrayList<>();
        lock.lock();
        try {
            for (Entry e : List.copyOf(byConnection.values())) {
                if (e.expiresAt() <= now) {
                    remove(e.connectionId());
                    expired.add(e);
                }
            }
        } finally {
            lock.unlock();
        }
        expired.forEach(e -> feed.publish(released(e, "expired")));
        return expired.size();
    }

    private static boolean owns(Entry lease, String nodeId, long epoch) {
        return lease.nodeId().equals(nodeId) && (epoch == 0 || lease.epoch() == epoch);
    }

    private static ChangeEvent released(Entry e, String reason) {
        return ChangeEvent.lease(ChangeEvent.LEASE_RELEASED, e.userId(), e.connectionId(), e.nodeId(), null,
                e.epoch(), reason);
    }

    private Entry live(String connectionId, long now) {
        Entry e = byConnection.get(connectionId);
        return e != null && e.expiresAt() > now ? e : null;
    }

    private void remove(String connectionId) {
        Entry e = byConnection.remove(connectionId);
        if (e != null) {
            Set<String> set = byUser.get(e.userId());
            if (set != null) {
                set.remove(connectionId);
                if (set.isEmpty()) {
                    byUser.remove(e.userId());
                }
            }
        }
    }
}
