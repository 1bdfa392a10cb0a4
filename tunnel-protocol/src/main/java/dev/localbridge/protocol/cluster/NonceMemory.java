package dev.localbridge.protocol.cluster;

import java.util.ArrayDeque;
import java.util.HashSet;

/**
 * The nonces of accepted calls, each kept for a fixed time after it arrived. Arrival order is expiry order, so the
 * oldest entries are dropped from the head of a queue; memory is bounded by {@code capacity}.
 */
final class NonceMemory {

    enum Use { FIRST, REPLAYED, FULL }

    private record Seen(String nonce, long forgetAt) {
    }

    private final int capacity;
    private final long keepMillis;
    private final HashSet<String> seen = new HashSet<>();
    private final ArrayDeque<Seen> byArrival = new ArrayDeque<>();

    NonceMemory(int capacity, long keepMillis) {
        if (capacity < 1) {
            throw new IllegalArgumentException("replay capacity must be positive");
        }
        this.capacity = capacity;
        this.keepMillis = keepMillis;
    }

    /** Remembers {@code nonce} unless it is already remembered or memory is full. */
    synchronized Use firstUse(String nonce, long now) {
        for (Seen oldest = byArrival.peekFirst(); oldest != null && oldest.forgetAt() <= now;
                oldest = byArrival.peekFirst()) {
            byArrival.pollFirst();
            seen.remove(oldest.nonce());
        }
        if (seen.contains(nonce)) {
            return Use.REPLAYED;
        }
        if (seen.size() >= capacity) {
            return Use.FULL;
        }
        seen.add(nonce);
        // A clock that stepped back must not let an entry expire before the ones queued ahead of it.
        Seen last = byArrival.peekLast();
        byArrival.addLast(new Seen(nonce, Math.max(now + keepMillis, last == null ? 0 : last.forgetAt())));
        return Use.FIRST;
    }
}
