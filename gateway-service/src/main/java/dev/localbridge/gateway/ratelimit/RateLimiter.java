package dev.localbridge.gateway.ratelimit;

import io.vertx.core.Future;

/** Decides whether a user may send one more request now. Implementations must not block. */
public interface RateLimiter {

    /** The answer, with what the {@code X-RateLimit-*} headers report. */
    record Decision(boolean allowed, int limit, int remaining, long resetEpochSeconds) {
    }

    /** Takes one request from the user's allowance, from what this replica knows right now. */
    Decision tryAcquire(String userId);

    /**
     * Takes one request from the user's allowance; may have to ask the cluster first. The future completes on the
     * caller's Vert.x context, at once when the answer is known locally (the common case).
     */
    default Future<Decision> acquire(String userId) {
        return Future.succeededFuture(tryAcquire(userId));
    }
}
