package dev.localbridge.session.keys;

import java.util.List;

/**
 * Body of {@code POST /api/users/{userId}/keys}. The gateway made the key and sends only its hash.
 *
 * @param name         1-64 characters [A-Za-z0-9._-], unique per user
 * @param keyHash      lowercase hex SHA-256 of the whole key string, 64 characters
 * @param expiresAt    epoch ms in the future, or null for a key that does not expire
 * @param methods      null (any) or 1-20 RFC 9110 method tokens; stored upper-cased
 * @param pathPrefixes null (any) or 1-20 prefixes, each starting with '/'
 */
public record CreateKeyRequest(String name, String keyHash, Long expiresAt, List<String> methods,
        List<String> pathPrefixes) {
}
