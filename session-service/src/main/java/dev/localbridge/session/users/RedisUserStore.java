package dev.localbridge.session.users;

import dev.localbridge.session.store.RedisScripts;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import java.util.ArrayList;
import java.util.List;

/**
 * Not-before times in the hash {@code <p>revoked} (userId → epoch ms), set from Redis {@code TIME} so every replica
 * agrees; each operation is one Lua script that publishes its event in the same step.
 */
@ApplicationScoped
@Typed(RedisUserStore.class)
class RedisUserStore implements UserStore {

    private final RedisScripts scripts;

    RedisUserStore(RedisScripts scripts) {
        this.scripts = scripts;
    }

    @Override
    public Revocation revoke(String userId) {
        return new Revocation(userId, scripts.run("user-revoke", userId).toLong());
    }

    @Override
    public List<Revocation> revocations() {
        Response r = scripts.run("user-revocations");
        List<Revocation> all = new ArrayList<>(r.size() / 2);
        for (int i = 0; i + 1 < r.size(); i += 2) {
            all.add(new Revocation(r.get(i).toString(), r.get(i + 1).toLong()));
        }
        return all;
    }

    @Override
    public long closeTunnels(String userId) {
        return scripts.run("user-close-tunnels", userId).toLong();
    }
}
