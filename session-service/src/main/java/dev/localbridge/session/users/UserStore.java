package dev.localbridge.session.users;

import java.util.List;

/**
 * What session-service keeps about a user as a whole: the revocation not-before (tokens issued before it are refused
 * by every gateway), and the request to close the user's tunnels everywhere. Both are announced on the change feed in
 * the same step.
 */
public interface UserStore {

    /**
     * Sets the user's not-before to now (the store's clock), never moving it backwards, and announces
     * {@code user-revoked}.
     */
    Revocation revoke(String userId);

    /** Every user's not-before. Kept forever: one entry per user ever revoked. */
    List<Revocation> revocations();

    /** Announces {@code tunnels-closed} for the user; returns when (the store's clock). */
    long closeTunnels(String userId);
}
