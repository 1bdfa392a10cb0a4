package dev.localbridge.gateway.ratelimit;

import io.vertx.core.Future;

/** Decides whether a user may send one more request now. Implementations must not block. */
public interface RateLimiter {

    /** The answer, with what the {@code X-RateLimit-*} headers report. */
    record Decision(boolean allowed, int limit, int remaining, long resetEpochSeconds) {
    }

    /** Takes one request from the user's allowance. */
    Decision tryAcquire(String userId);

    /** Takes one request from the user's allowance, possibly after asking the cluster; never blocks. */
    default Future<Decision> acquire(String userId) {
        return Future.succeededFuture(tryAcquire(userId));
    }
}
