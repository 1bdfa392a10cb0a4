package dev.localbridge.gateway.proxy;

import dev.localbridge.gateway.metrics.Outcome;

/** What a leg (into a local tunnel, or relayed to another replica) reports to the exchange it serves. */
public interface LegOwner {

    /** The response head went to the caller. */
    void headSent();

    /** The exchange is over, with this outcome. */
    void finished(Outcome outcome);

    /**
     * The chosen route turned out wrong before any request body was consumed (421, or the replica is unreachable): try
     * another route once, avoiding {@code nodeId}. Returns false when the owner will not retry.
     */
    boolean reroute(String nodeId);
}
