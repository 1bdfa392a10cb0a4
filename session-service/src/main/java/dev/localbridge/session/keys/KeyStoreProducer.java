package dev.localbridge.session.keys;

import dev.localbridge.session.SessionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/** Picks the access key store for {@code TUNNEL_SESSION_STORE} at startup. */
@ApplicationScoped
class KeyStoreProducer {

    @Produces
    @ApplicationScoped
    KeyStore keyStore(SessionConfig config, Instance<RedisKeyStore> redis, Instance<MemoryKeyStore> memory) {
        return config.sessionStore() == SessionConfig.StoreKind.redis ? redis.get() : memory.get();
    }
}
