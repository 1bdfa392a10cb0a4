package dev.localbridge.session.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One entry of the change feed. {@code type} is one of {@code subscribed}, {@code ping}, {@code lease-acquired},
 * {@code lease-moved}, {@code lease-released}, {@code node-gone}. Gateways drop their cached routes of
 * {@code userId} on any lease event and every route to {@code nodeId} on {@code node-gone}.
 *
 * @param type           event kind
 * @param userId         owner of the lease (lease events)
 * @param connectionId   the lease's connection (lease events)
 * @param nodeId         node now holding the lease, or the node that is gone
 * @param previousNodeId node that held the lease before ({@code lease-moved})
 * @param epoch          the lease's epoch
 * @param reason         {@code closed}, {@code expired}, {@code node-gone}, {@code deregistered}
 * @param at             Redis (or process) time of the change, epoch ms
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record ChangeEvent(String type, String userId, String connectionId, String nodeId, String previousNodeId,
        Long epoch, String reason, long at) {

    public static final String LEASE_ACQUIRED = "lease-acquired";
    public static final String LEASE_MOVED = "lease-moved";
    public static final String LEASE_RELEASED = "lease-released";
    public static final String NODE_GONE = "node-gone";

    static ChangeEvent subscribed() {
        return new ChangeEvent("subscribed", null, null, null, null, null, null, System.currentTimeMillis());
    }

    static ChangeEvent ping() {
        return new ChangeEvent("ping", null, null, null, null, null, null, System.currentTimeMillis());
    }

    public static ChangeEvent lease(String type, String userId, String connectionId, String nodeId,
            String previousNodeId, long epoch, String reason) {
        return new ChangeEvent(type, userId, connectionId, nodeId, previousNodeId, epoch, reason,
                System.currentTimeMillis());
    }

    public static ChangeEvent nodeGone(String nodeId, String reason) {
        return new ChangeEvent(NODE_GONE, null, null, nodeId, null, null, reason, System.currentTimeMillis());
    }
}
