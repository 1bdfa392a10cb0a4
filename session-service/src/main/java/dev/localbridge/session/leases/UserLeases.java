package dev.localbridge.session.leases;

import java.util.List;

/**
 * Answer of {@code GET /api/leases?userId=}: the user's routable leases (live, on a live node).
 *
 * @param userId the user
 * @param leases live leases
 */
public record UserLeases(String userId, List<Lease> leases) {
}
