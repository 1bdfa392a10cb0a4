package dev.localbridge.agent;

/**
 * Observes a {@link TunnelAgent}'s tunnel coming up and going down (for tests, status displays and metrics).
 * Methods are called on the agent's event loop and must not block.
 */
public interface TunnelListener {

    /**
     * A tunnel is up and accepting streams.
     *
     * @param connectionId the agent's id for this WebSocket connection, as printed in the log
     */
    default void connected(String connectionId) {
    }

    /**
     * The tunnel that was in use dropped (not called for an old tunnel closed after a make-before-break switch).
     *
     * @param connectionId the connection that dropped
     * @param reason       why, in words, as printed in the log
     */
    default void disconnected(String connectionId, String reason) {
    }
}
