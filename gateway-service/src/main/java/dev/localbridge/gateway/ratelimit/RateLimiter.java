package dev.localbridge.gateway.ratelimit;

/** Decides whether a user may send one more request now. Implementations must not block. */
public interface RateLimiter {

    /** The answer, with what the {@code X-RateLimit-*} headers report. */
    record Decision(boolean allowed, int limit, int remaining, long resetEpochSeconds) {
    }

    /** Takes one request from the user's allowance. */
    Decision tryAcquire(String userId);
}
