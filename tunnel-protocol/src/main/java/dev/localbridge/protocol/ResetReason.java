package dev.localbridge.protocol;

/** Why a stream was reset. The wire carries {@link #code()}. */
public enum ResetReason {
    /** The caller went away; the agent aborts the local request. */
    CANCEL(1),
    /** No response head arrived within the request timeout. */
    TIMEOUT(2),
    /** The agent could not reach its local target. */
    UPSTREAM_UNAVAILABLE(3),
    /** The peer broke the protocol on this stream (for example a frame for a closed stream). */
    PROTOCOL_ERROR(4),
    /** The peer sent more body bytes than it had credit for. */
    FLOW_CONTROL_ERROR(5),
    /** The receiver refuses a new stream (too many in flight, or it is going away). */
    REFUSED_STREAM(6),
    /** The body exceeded the size limit. */
    PAYLOAD_TOO_LARGE(7),
    /** The request was refused by the agent's policy (for example a target that is not a plain path). */
    FORBIDDEN(8),
    /** Anything else that went wrong inside the sender. */
    INTERNAL_ERROR(9);

    private final int code;

    ResetReason(int code) {
        this.code = code;
    }

    /** The value on the wire. */
    public int code() {
        return code;
    }

    /** The reason for a wire value, or {@code null} when the value is unknown. */
    public static ResetReason fromCode(int code) {
        for (ResetReason reason : values()) {
            if (reason.code == code) {
                return reason;
            }
        }
        return null;
    }
}
