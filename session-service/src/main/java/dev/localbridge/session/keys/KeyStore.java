package dev.localbridge.session.keys;

import java.util.List;
import java.util.Optional;

/**
 * Access keys, stored by their hash only: one record per key id, an index from hash to id and one per user from name
 * to id. A key past its {@code expiresAt} is never returned and no longer counts towards the limit.
 */
public interface KeyStore {

    /**
     * Creates the key atomically with the per-user name uniqueness and limit.
     *
     * @throws dev.localbridge.session.api.SessionFailure 409 {@code KEY_NAME_TAKEN}, 409 {@code TOO_MANY_KEYS},
     *                                                    409 {@code KEY_HASH_TAKEN}, 400 when it would already be expired
     */
    KeyRecord create(String userId, NewKey key, int maxKeys);

    /** The user's live keys, oldest first. */
    List<KeyRecord> list(String userId);

    /** Removes the user's key and announces {@code key-revoked}; empty when the user has no such live key. */
    Optional<KeyRecord> revoke(String userId, String keyId);

    /** The live key with this hash. */
    Optional<KeyRecord> byHash(String keyHash);

    /** Moves each key's {@code lastUsedAt} forward to the reported time (never back); unknown keys are skipped. */
    void recordUse(List<KeyUsage.Use> used);
}
