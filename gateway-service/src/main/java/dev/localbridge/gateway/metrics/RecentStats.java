package dev.localbridge.gateway.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Request figures over a sliding window (default 5 minutes, in 10-second buckets), so that health reflects what
 * happens now rather than since boot. Lock-free on the recording path except when a bucket is recycled.
 */
public final class RecentStats {

    private static final long BUCKET_MILLIS = 10_000;

    private final Bucket[] buckets;

    /** A snapshot of the window. */
    public record Window(long seconds, long requests, long tunnelFailures, long timeouts, double averageTtfbMillis) {

        /** Share of requests the tunnel served (1.0 with no requests). */
        public double successRate() {
            return requests == 0 ? 1.0 : 1.0 - (double) tunnelFailures / requests;
        }

        /** Share of requests that timed out (0.0 with no requests). */
        public double timeoutRate() {
            return requests == 0 ? 0.0 : (double) timeouts / requests;
        }
    }

    private static final class Bucket {
        volatile long slot = -1;
        final LongAdder requests = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder timeouts = new LongAdder();
        final LongAdder ttfbCount = new LongAdder();
        final LongAdder ttfbNanos = new LongAdder();
    }

    public RecentStats(long windowMillis) {
        int n = (int) Math.max(1, windowMillis / BUCKET_MILLIS);
        buckets = new Bucket[n];
        for (int i = 0; i < n; i++) {
            buckets[i] = new Bucket();
        }
    }

    /** Records one finished request; {@code ttfbNanos} is negative when no response head arrived. */
    public void record(Outcome outcome, long ttfbNanos) {
        if (!outcome.counted()) {
            return;
        }
        Bucket b = current(System.currentTimeMillis());
        b.requests.increment();
        if (outcome.tunnelFailure()) {
            b.failures.increment();
        }
        if (outcome.timeout()) {
            b.timeouts.increment();
        }
        if (ttfbNanos >= 0) {
            b.ttfbCount.increment();
            b.ttfbNanos.add(ttfbNanos);
        }
    }

    /** The figures of the whole window. */
    public Window window() {
        long now = System.currentTimeMillis() / BUCKET_MILLIS;
        long requests = 0;
        long failures = 0;
        long timeouts = 0;
        long ttfbCount = 0;
        long ttfbNanos = 0;
        for (Bucket b : buckets) {
            if (b.slot > now - buckets.length) {
                requests += b.requests.sum();
                failures += b.failures.sum();
                timeouts += b.timeouts.sum();
                ttfbCount += b.ttfbCount.sum();
                ttfbNanos += b.ttfbNanos.sum();
            }
        }
        double avg = ttfbCount == 0 ? 0 : ttfbNanos / 1e6 / ttfbCount;
        return new Window(buckets.length * BUCKET_MILLIS / 1000, requests, failures, timeouts, avg);
    }

    private Bucket current(long nowMillis) {
        long slot = nowMillis / BUCKET_MILLIS;
        Bucket b = buckets[(int) (slot % buckets.length)];
        if (b.slot != slot) {
            synchronized (b) {
                if (b.slot != slot) {
                    b.requests.reset();
                    b.failures.reset();
                    b.timeouts.reset();
                    b.ttfbCount.reset();
                    b.ttfbNanos.reset();
                    b.slot = slot;
                }
            }
        }
        return b;
    }
}
