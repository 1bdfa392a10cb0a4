package dev.localbridge.agent;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: exponential growth with full jitter above the minimum. Attempt {@code n} (from 1) waits a uniformly
 * random time in {@code [min, min(max, min * 2^n)]}, so that agents dropped together by one gateway do not come back
 * together. Not thread-safe: each user keeps it on one thread (the agent's event loop, the login's refresher).
 */
public final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    private final DoubleSupplier random;
    private int attempt;

    public Backoff(Duration min, Duration max) {
        this(min, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    Backoff(Duration min, Duration max, DoubleSupplier random) {
        this.minMillis = Math.max(1, min.toMillis());
        this.maxMillis = Math.max(minMillis, max.toMillis());
        this.random = random;
    }

    /** The delay before the next attempt; each call counts as one more failed attempt. */
    public Duration next() {
        attempt = Math.min(attempt + 1, 62);
        long ceiling = minMillis << Math.min(attempt, 30);
        if (ceiling <= 0 || ceiling > maxMillis) {
            ceiling = maxMillis;
        }
        return Duration.ofMillis(minMillis + (long) (random.getAsDouble() * (ceiling - minMillis)));
    }

    /** Starts over after a successful connection. */
    public void reset() {
        attempt = 0;
    }
}
