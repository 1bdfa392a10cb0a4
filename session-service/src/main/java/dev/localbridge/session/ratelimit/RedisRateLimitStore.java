package dev.localbridge.session.ratelimit;

import dev.localbridge.session.store.RedisScripts;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

/** Counter {@code <p>rl:<userId>:<windowStart>} changed only by the Lua scripts (one round trip per grant). */
@ApplicationScoped
@Typed(RedisRateLimitStore.class)
class RedisRateLimitStore implements RateLimitStore {

    private final RedisScripts scripts;

    RedisRateLimitStore(RedisScripts scripts) {
        this.scripts = scripts;
    }

    @Override
    public TokenGrant take(String userId, long requested, long limit, long windowMs, int maxBatch) {
        Response r = scripts.run("ratelimit-grant", userId, Long.toString(requested), Long.toString(limit),
                Long.toString(windowMs), Integer.toString(maxBatch));
        return new TokenGrant(userId, r.get(0).toLong(), r.get(1).toLong(), limit, r.get(2).toLong(),
                r.get(3).toLong(), r.get(4).toInteger());
    }

    @Override
    public long giveBack(String userId, long tokens, long windowStart) {
        return scripts.run("ratelimit-return", userId, Long.toString(tokens), Long.toString(windowStart)).toLong();
    }
}
