package dev.localbridge.session.ratelimit;

/** Per-user fixed-window counters; {@link #take} is atomic so concurrent gateways never overdraw. */
interface RateLimitStore {

    /**
     * Takes up to one batch ({@link BatchSizing}) of tokens, at most {@code requested} when that is positive, from
     * what is left of {@code limit} in the current window.
     */
    TokenGrant take(String userId, long requested, long limit, long windowMs, int maxBatch);

    /** Gives unused tokens of {@code windowStart} back; returns how many were accepted. */
    long giveBack(String userId, long tokens, long windowStart);
}
