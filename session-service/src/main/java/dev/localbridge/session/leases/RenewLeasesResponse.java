package dev.localbridge.session.leases;

import java.util.List;

/**
 * Answer of {@code POST /api/leases/renew}. The node must close the connections listed as {@code fenced} (another
 * node or a newer epoch owns them) and re-acquire or close those listed as {@code gone} (expired or released).
 *
 * @param renewed   connection ids whose TTL was extended
 * @param gone      connection ids with no live lease
 * @param fenced    connection ids held by another node or a newer epoch
 * @param expiresAt new expiry (epoch ms) of the renewed leases
 */
public record RenewLeasesResponse(List<String> renewed, List<String> gone, List<String> fenced, long expiresAt) {
}
