package dev.localbridge.health.cluster;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A gateway replica's answer at {@code GET /q/localbridge} on its management port (see docs/operations.md).
 *
 * @param startedAt a new value means the replica restarted and its counters began again from 0
 */
@RegisterForReflection
public record ReplicaFigures(String nodeId, long startedAt, boolean draining, int tunnels, int streamsInFlight,
        int requestsInFlight, Totals totals, long memoryUsedBytes, long timestamp) {

    /** Counters since the replica started. */
    @RegisterForReflection
    public record Totals(long requests, long tunnelFailures, long timeouts, long ttfbCount, double ttfbMillisSum,
            long relayHops, long bytesToAgent, long bytesFromAgent, long connects, long disconnects) {
    }
}
