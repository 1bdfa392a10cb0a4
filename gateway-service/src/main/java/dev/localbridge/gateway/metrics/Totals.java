package dev.localbridge.gateway.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters since this replica started. health-service reads them every poll and turns the differences into
 * cluster-wide rates over its own window (as Prometheus' {@code rate()} would), so no replica has to agree on a
 * window with another.
 */
public final class Totals {

    final LongAdder requests = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder ttfbCount = new LongAdder();
    final LongAdder ttfbNanos = new LongAdder();
    final LongAdder relayHops = new LongAdder();
    final LongAdder bytesToAgent = new LongAdder();
    final LongAdder bytesFromAgent = new LongAdder();
    final LongAdder connects = new LongAdder();
    final LongAdder disconnects = new LongAdder();

    /**
     * The counters at one instant.
     *
     * @param requests       requests counted in the rates (see {@link Outcome#counted()})
     * @param tunnelFailures of them, those the tunnel failed (timeouts included)
     * @param timeouts       of them, those that timed out
     * @param ttfbCount      requests whose response head arrived
     * @param ttfbMillisSum  sum of their times to the response head, in ms
     */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Snapshot(long requests, long tunnelFailures, long timeouts, long ttfbCount, double ttfbMillisSum,
            long relayHops, long bytesToAgent, long bytesFromAgent, long connects, long disconnects) {
    }

    void record(Outcome outcome, long ttfb) {
        if (!outcome.counted()) {
            return;
        }
        requests.increment();
        if (outcome.tunnelFailure()) {
            failures.increment();
        }
        if (outcome.timeout()) {
            timeouts.increment();
        }
        if (ttfb >= 0) {
            ttfbCount.increment();
            ttfbNanos.add(ttfb);
        }
    }

    Snapshot snapshot() {
        return new Snapshot(requests.sum(), failures.sum(), timeouts.sum(), ttfbCount.sum(), ttfbNanos.sum() / 1e6,
                relayHops.sum(), bytesToAgent.sum(), bytesFromAgent.sum(), connects.sum(), disconnects.sum());
    }
}
