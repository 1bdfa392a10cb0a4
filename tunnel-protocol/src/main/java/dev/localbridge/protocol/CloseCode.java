package dev.localbridge.protocol;

/**
 * The WebSocket close codes of a tunnel, shared by gateway and agent (RFC 6455 codes, and 4xxx for LocalBridge's own
 * reasons). {@link #agentReaction()} says what the agent does when the gateway closes with the code. Only one code makes
 * the agent stop, {@link #CLOSED_BY_USER}: the user asked for their tunnels to close. Every other condition is one a
 * new connection can cure (a renewed token, another replica, a restarted gateway), and a gateway that refuses the agent
 * for good does so at the upgrade (401/403), where the agent's backoff keeps the retries cheap.
 */
public enum CloseCode {
    /** Normal closure: the agent stops, or leaves a drained connection with nothing in flight. */
    NORMAL(1000, "normal", AgentReaction.RECONNECT_AFTER_BACKOFF),
    /** Going away: process shutdown, or the gateway closing the tunnels it still holds at the end of a drain. */
    GOING_AWAY(1001, "going_away", AgentReaction.RECONNECT_AFTER_BACKOFF),
    /** Protocol error: malformed frame, text message, stream-state violation, first frame not a Hello. */
    PROTOCOL_ERROR(1002, "protocol_error", AgentReaction.RECONNECT_AFTER_BACKOFF),
    /** Never sent: the connection ended without a close frame (reported by the WebSocket layer). */
    CONNECTION_LOST(1006, "connection_lost", AgentReaction.RECONNECT_AFTER_BACKOFF),
    /** Policy violation: the tunnel broke a rule of the gateway not covered by a more specific code. */
    POLICY_VIOLATION(1008, "policy_violation", AgentReaction.RECONNECT_AFTER_BACKOFF),
    /** Internal error of the sender. */
    INTERNAL_ERROR(1011, "internal_error", AgentReaction.RECONNECT_AFTER_BACKOFF),
    /** The agent said no {@link Frame.Hello} within the hello timeout after the upgrade (or the gateway none back). */
    HELLO_TIMEOUT(4400, "hello_timeout", AgentReaction.RECONNECT_AFTER_BACKOFF),
    /**
     * The tunnel's token expired and no fresh one arrived (renewal frame) within {@code TUNNEL_TOKEN_GRACE}: the agent
     * reconnects with a fresh token, or stops when it cannot get one.
     */
    TOKEN_EXPIRED(4401, "token_expired", AgentReaction.RECONNECT_AFTER_BACKOFF),
    /**
     * An operator revoked the user's access: tokens issued before that moment are refused. The agent obtains a new
     * token (its login refreshes) before it reconnects; a token from before the revocation is refused at the upgrade.
     */
    ACCESS_REVOKED(4403, "access_revoked", AgentReaction.RECONNECT_AFTER_BACKOFF),
    /** Keepalive timeout: the peer was silent for three ping intervals. */
    KEEPALIVE_TIMEOUT(4408, "keepalive_timeout", AgentReaction.RECONNECT_AFTER_BACKOFF),
    /** Lease taken over: another gateway replica now holds this connection's lease (clustered gateways). */
    LEASE_TAKEN_OVER(4409, "lease_taken_over", AgentReaction.RECONNECT_AT_ONCE),
    /** The user closed their own tunnels through the API: the agent stops, with its own exit code. */
    CLOSED_BY_USER(4410, "closed_by_user", AgentReaction.STOP);

    private final int code;
    private final String label;
    private final AgentReaction agentReaction;

    /** What the agent does after the gateway closed its tunnel. */
    public enum AgentReaction {
        /**
         * Connect again without waiting: nothing is wrong with this agent or the gateway, only this one connection was
         * fenced off (its lease moved to another replica). Closes that hit many agents at once (a replica shutting
         * down) back off instead, so that the agents do not all come back in the same instant.
         */
        RECONNECT_AT_ONCE,
        /** Connect again after the reconnect backoff: something failed, and retrying in a tight loop would not help. */
        RECONNECT_AFTER_BACKOFF,
        /** Do not connect again: the tunnel's user asked for it to close. */
        STOP
    }

    CloseCode(int code, String label, AgentReaction agentReaction) {
        this.code = code;
        this.label = label;
        this.agentReaction = agentReaction;
    }

    /** The value in the close frame. */
    public int code() {
        return code;
    }

    /** The value as Vert.x's close methods take it. */
    public short asShort() {
        return (short) code;
    }

    /** A stable lower-case name for metrics and logs. */
    public String label() {
        return label;
    }

    /** What the agent does when the gateway closes its tunnel with this code. */
    public AgentReaction agentReaction() {
        return agentReaction;
    }

    /** What the agent does after a close with {@code code}: unknown codes are treated as failures (backoff). */
    public static AgentReaction agentReaction(Integer code) {
        CloseCode known = code == null ? null : fromCode(code);
        return known == null ? AgentReaction.RECONNECT_AFTER_BACKOFF : known.agentReaction;
    }

    /** The code for a close frame's value, or {@code null} when it is not one of ours. */
    public static CloseCode fromCode(int code) {
        for (CloseCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
