package dev.localbridge.session.leases;

import java.util.List;

/**
 * Body of {@code POST /api/leases/renew}: every lease of one node, renewed in one call per interval.
 *
 * @param nodeId the renewing node
 * @param leases what it holds
 */
public record RenewLeasesRequest(String nodeId, List<LeaseRef> leases) {
}
