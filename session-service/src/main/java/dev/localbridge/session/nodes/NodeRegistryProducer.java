package dev.localbridge.session.nodes;

import dev.localbridge.session.SessionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/** Picks the registry for {@code TUNNEL_SESSION_STORE} at startup (no rebuild needed to switch). */
@ApplicationScoped
class NodeRegistryProducer {

    @Produces
    @ApplicationScoped
    NodeRegistry nodeRegistry(SessionConfig config, Instance<RedisNodeRegistry> redis,
            Instance<MemoryNodeRegistry> memory) {
        return config.sessionStore() == SessionConfig.StoreKind.redis ? redis.get() : memory.get();
    }
}
