package dev.localbridge.session.users;

import dev.localbridge.session.SessionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/** Picks the user store for {@code TUNNEL_SESSION_STORE} at startup. */
@ApplicationScoped
class UserStoreProducer {

    @Produces
    @ApplicationScoped
    UserStore userStore(SessionConfig config, Instance<RedisUserStore> redis, Instance<MemoryUserStore> memory) {
        return config.sessionStore() == SessionConfig.StoreKind.redis ? redis.get() : memory.get();
    }
}
