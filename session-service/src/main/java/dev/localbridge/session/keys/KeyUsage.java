package dev.localbridge.session.keys;

import java.util.List;

/**
 * Body of {@code POST /api/keys/usage}: when gateways last saw keys used, reported in batches (not per request).
 *
 * @param used one entry per key
 */
public record KeyUsage(List<Use> used) {

    /**
     * One key's latest use.
     *
     * @param keyId the key
     * @param at    epoch ms; the stored {@code lastUsedAt} only moves forward
     */
    public record Use(String keyId, long at) {
    }
}
