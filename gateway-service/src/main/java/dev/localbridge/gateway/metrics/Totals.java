package dev.localbridge.gateway.metrics;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * This replica's counters since it started, read off its Prometheus meters (see {@link TunnelMetrics#totals()}).
 * health-service reads them every poll and turns the differences into cluster-wide rates over its own window (as
 * Prometheus' {@code rate()} would), so no replica has to agree on a window with another.
 *
 * @param requests       requests counted in the rates ({@code result} ok, failed or timeout)
 * @param tunnelFailures of them, those the tunnel failed (failed and timeout)
 * @param timeouts       of them, those that timed out
 * @param ttfbCount      requests whose response head arrived ({@code localbridge_request_ttfb_seconds_count})
 * @param ttfbMillisSum  sum of their times to the response head, in ms
 */
@RegisterForReflection
public record Totals(long requests, long tunnelFailures, long timeouts, long ttfbCount, double ttfbMillisSum,
        long relayHops, long bytesToAgent, long bytesFromAgent, long connects, long disconnects) {
}
