package dev.localbridge.session.keys;

import java.util.List;

/**
 * An access key as session-service answers it: everything but the key and its hash.
 *
 * @param id           20 characters [a-z0-9], made by session-service
 * @param userId       the owner: the key is valid only for the owner's tunnel
 * @param name         1-64 characters [A-Za-z0-9._-], unique per user
 * @param createdAt    epoch ms of the store's clock
 * @param expiresAt    epoch ms, or null for a key that does not expire
 * @param lastUsedAt   epoch ms of the latest use a gateway reported, or null
 * @param methods      upper-cased methods the key allows, or null for any
 * @param pathPrefixes path prefixes (each starting with '/') the key allows, or null for any
 */
public record KeyRecord(String id, String userId, String name, long createdAt, Long expiresAt, Long lastUsedAt,
        List<String> methods, List<String> pathPrefixes) {
}
