package dev.localbridge.gateway.ownership;

/**
 * session-service could not answer: unreachable, timed out, or failed on its side (5xx, e.g. its store is down).
 * Callers degrade (local routes only, local rate limit, pending leases) instead of failing the request.
 */
public final class SessionUnavailable extends RuntimeException {

    public SessionUnavailable(String message) {
        super(message, null, false, false);
    }
}
