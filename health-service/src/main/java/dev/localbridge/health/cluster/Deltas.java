package dev.localbridge.health.cluster;

/**
 * Requests finished during one poll interval, summed over replicas: the difference between two readings of each
 * replica's counters (like Prometheus' {@code increase()}; a replica that restarted counts from 0 again).
 */
public record Deltas(long requests, long tunnelFailures, long timeouts, long ttfbCount, double ttfbMillisSum) {

    public static final Deltas NONE = new Deltas(0, 0, 0, 0, 0);

    /** What happened between {@code before} (null: not seen yet, nothing is counted) and {@code after}. */
    static Deltas between(ReplicaFigures before, ReplicaFigures after) {
        if (before == null) {
            return NONE;
        }
        ReplicaFigures.Totals a = after.totals();
        if (before.startedAt() != after.startedAt()) {
            return new Deltas(a.requests(), a.tunnelFailures(), a.timeouts(), a.ttfbCount(), a.ttfbMillisSum());
        }
        ReplicaFigures.Totals b = before.totals();
        return new Deltas(Math.max(0, a.requests() - b.requests()),
                Math.max(0, a.tunnelFailures() - b.tunnelFailures()), Math.max(0, a.timeouts() - b.timeouts()),
                Math.max(0, a.ttfbCount() - b.ttfbCount()), Math.max(0, a.ttfbMillisSum() - b.ttfbMillisSum()));
    }

    Deltas plus(Deltas o) {
        return new Deltas(requests + o.requests, tunnelFailures + o.tunnelFailures, timeouts + o.timeouts,
                ttfbCount + o.ttfbCount, ttfbMillisSum + o.ttfbMillisSum);
    }

    /** Share of requests the tunnels served; null with no request. */
    public Double successRate() {
        return requests == 0 ? null : 1.0 - (double) tunnelFailures / requests;
    }

    /** Share of requests that timed out; null with no request. */
    public Double timeoutRate() {
        return requests == 0 ? null : (double) timeouts / requests;
    }

    /** Average time to the response head, ms; null when no head arrived. */
    public Double averageResponseTimeMs() {
        return ttfbCount == 0 ? null : ttfbMillisSum / ttfbCount;
    }
}
