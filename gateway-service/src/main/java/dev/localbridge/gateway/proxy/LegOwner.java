package dev.localbridge.gateway.proxy;

import dev.localbridge.gateway.metrics.Outcome;

/** What a leg (into a local tunnel, or relayed to another replica) reports to the exchange it serves. */
public interface LegOwner {

    /** The response head went to the caller. */
    void headSent();

    /** The exchange is over, with this outcome. */
    void finished(Outcome outcome);

    /**
     * The chosen route turned out wrong before any request body was consumed (421, an unreachable replica, or an agent
     * that refused the stream because it is moving to a new tunnel): try another route once, avoiding {@code nodeId}
     * (a replica) or {@code connectionId} (a local tunnel connection), either may be null. Returns false when the owner
     * will not retry; the leg then answers the failure itself.
     */
    boolean reroute(String nodeId, String connectionId);
}
