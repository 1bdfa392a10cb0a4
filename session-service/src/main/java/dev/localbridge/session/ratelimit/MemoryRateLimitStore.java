package dev.localbridge.session.ratelimit;

import dev.localbridge.session.nodes.NodeRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/** Counters in a map of this process (single replica only); old windows are dropped as new ones start. */
@ApplicationScoped
@Typed(MemoryRateLimitStore.class)
class MemoryRateLimitStore implements RateLimitStore {

    private record Window(long start, long used) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Window> windows = new HashMap<>();
    private final NodeRegistry nodes;

    MemoryRateLimitStore(NodeRegistry nodes) {
        this.nodes = nodes;
    }

    @Override
    public TokenGrant take(String userId, long requested, long limit, long windowMs, int maxBatch) {
        int batch = BatchSizing.batchSize(limit, nodes.liveCount(), maxBatch);
        long want = requested > 0 ? Math.min(requested, batch) : batch;
        long now = System.currentTimeMillis();
        long start = now - now % windowMs;
        lock.lock();
        try {
            if (windows.size() > 100_000) {
                windows.values().removeIf(w -> w.start() < start);
            }
            Window w = windows.get(userId);
            long used = w == null || w.start() != start ? 0 : w.used();
            long granted = Math.max(0, Math.min(want, limit - used));
            windows.put(userId, new Window(start, used + granted));
            return new TokenGrant(userId, granted, Math.max(0, limit - used - granted), limit, start,
                    start + windowMs, batch);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long giveBack(String userId, long tokens, long windowStart) {
        lock.lock();
        try {
            Window w = windows.get(userId);
            if (w == null || w.start() != windowStart) {
                return 0;
            }
            long back = Math.min(tokens, w.used());
            windows.put(userId, new Window(w.start(), w.used() - back));
            return back;
        } finally {
            lock.unlock();
        }
    }
}
