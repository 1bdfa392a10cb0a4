package dev.localbridge.gateway.proxy;

import dev.localbridge.gateway.metrics.Outcome;
import io.vertx.core.Future;

/**
 * One way of carrying a request to the user's local service: into a tunnel this replica holds ({@link TunnelLeg}) or
 * to the replica that holds it ({@link RelayLeg}). A leg delivers what it receives into the exchange's
 * {@link CallerAnswer} and completes with the answer's outcome; it fails only with {@link Misrouted}, when nothing
 * reached the caller and the exchange may try another route.
 */
public interface Leg {

    /** Carries the request; the future completes once the caller's answer is settled. */
    Future<Outcome> carry();
}
