package dev.localbridge.session.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One entry of the change feed. {@code type} is one of {@code subscribed}, {@code ping}, {@code lease-acquired},
 * {@code lease-moved}, {@code lease-released}, {@code node-gone}, {@code user-revoked}, {@code tunnels-closed},
 * {@code key-revoked}. Gateways drop their cached routes of {@code userId} on any lease event and every route to
 * {@code nodeId} on {@code node-gone}; they refuse the user's tokens issued before {@code at} on
 * {@code user-revoked}, close the user's tunnels on {@code tunnels-closed} and forget the key on {@code key-revoked}.
 *
 * @param type           event kind
 * @param userId         owner of the lease (lease events)
 * @param connectionId   the lease's connection (lease events)
 * @param nodeId         node now holding the lease, or the node that is gone
 * @param previousNodeId node that held the lease before ({@code lease-moved})
 * @param epoch          the lease's epoch
 * @param reason         {@code closed}, {@code expired}, {@code node-gone}, {@code deregistered}; {@code user}
 *                       ({@code tunnels-closed})
 * @param at             Redis (or process) time of the change, epoch ms; the new not-before on {@code user-revoked}
 * @param keyId          the revoked access key ({@code key-revoked})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record ChangeEvent(String type, String userId, String connectionId, String nodeId, String previousNodeId,
        Long epoch, String reason, long at, String keyId) {

    public static final String LEASE_ACQUIRED = "lease-acquired";
    public static final String LEASE_MOVED = "lease-moved";
    public static final String LEASE_RELEASED = "lease-released";
    public static final String NODE_GONE = "node-gone";
    public static final String USER_REVOKED = "user-revoked";
    public static final String TUNNELS_CLOSED = "tunnels-closed";
    public static final String KEY_REVOKED = "key-revoked";

    static ChangeEvent subscribed() {
        return new ChangeEvent("subscribed", null, null, null, null, null, null, System.currentTimeMillis(), null);
    }

    static ChangeEvent ping() {
        return new ChangeEvent("ping", null, null, null, null, null, null, System.currentTimeMillis(), null);
    }

    public static ChangeEvent lease(String type, String userId, String connectionId, String nodeId,
            String previousNodeId, long epoch, String reason) {
        return new ChangeEvent(type, userId, connectionId, nodeId, previousNodeId, epoch, reason,
                System.currentTimeMillis(), null);
    }

    public static ChangeEvent nodeGone(String nodeId, String reason) {
        return new ChangeEvent(NODE_GONE, null, null, nodeId, null, null, reason, System.currentTimeMillis(),
                null);
    }

    /** Tokens of {@code userId} issued before {@code notBefore} are no longer accepted. */
    public static ChangeEvent userRevoked(String userId, long notBefore) {
        return new ChangeEvent(USER_REVOKED, userId, null, null, null, null, null, notBefore, null);
    }

    /** The user asked for their open tunnels to be closed, on every replica. */
    public static ChangeEvent tunnelsClosed(String userId, long at) {
        return new ChangeEvent(TUNNELS_CLOSED, userId, null, null, null, null, "user", at, null);
    }

    /** Access key {@code keyId} of {@code userId} was revoked. */
    public static ChangeEvent keyRevoked(String userId, String keyId, long at) {
        return new ChangeEvent(KEY_REVOKED, userId, null, null, null, null, null, at, keyId);
    }
}
