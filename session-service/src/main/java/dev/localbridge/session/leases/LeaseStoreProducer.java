package dev.localbridge.session.leases;

import dev.localbridge.session.SessionConfig;
import dev.localbridge.session.metrics.SessionMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/** Picks the lease store for {@code TUNNEL_SESSION_STORE} at startup, counted by {@link MeteredLeaseStore}. */
@ApplicationScoped
class LeaseStoreProducer {

    @Produces
    @ApplicationScoped
    LeaseStore leaseStore(SessionConfig config, Instance<RedisLeaseStore> redis, Instance<MemoryLeaseStore> memory,
            SessionMetrics metrics) {
        LeaseStore store = config.sessionStore() == SessionConfig.StoreKind.redis ? redis.get() : memory.get();
        return new MeteredLeaseStore(store, metrics);
    }
}
