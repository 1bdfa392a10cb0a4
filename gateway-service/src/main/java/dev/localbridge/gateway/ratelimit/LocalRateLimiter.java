package dev.localbridge.gateway.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import dev.localbridge.gateway.config.GatewayConfig;

/**
 * Fixed-window request counting per user on this replica ({@code TUNNEL_RATE_LIMIT_WINDOW},
 * {@code TUNNEL_RATE_LIMIT_MAX_REQUESTS}). Exact for a single replica; the cluster-wide limit is session-service's
 * ({@link ClusterRateLimiter}), which falls back to this one while session-service is unreachable.
 */
@ApplicationScoped
@Typed(LocalRateLimiter.class)
public class LocalRateLimiter implements RateLimiter {

    private final long windowMillis;
    private final int max;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private record Window(long start, AtomicInteger used) {
    }

    LocalRateLimiter(GatewayConfig config) {
        this.windowMillis = config.rateLimit().window();
        this.max = config.rateLimit().maxRequests();
    }

    @Override
    public Decision tryAcquire(String userId) {
        if (max <= 0) {
            return new Decision(true, 0, 0, 0);
        }
        long now = System.currentTimeMillis();
        long start = now - now % windowMillis;
        Window window = windows.compute(userId, (k, w) -> w == null || w.start() != start
                ? new Window(start, new AtomicInteger()) : w);
        int used = window.used().incrementAndGet();
        long reset = (start + windowMillis) / 1000;
        if (windows.size() > 100_000) {
            windows.values().removeIf(w -> w.start() != start);
        }
        return new Decision(used <= max, max, Math.max(0, max - used), reset);
    }
}
