package dev.localbridge.protocol;

/** Why a peer sends {@link Frame.GoAway}. The wire carries {@link #code()}. */
public enum GoAwayReason {
    /** The gateway is draining (rolling update, scale-down): reconnect elsewhere, finish in-flight streams here. */
    DRAINING(1),
    /** The peer is shutting down for good. */
    SHUTDOWN(2),
    /** The peer broke the protocol; the connection closes after this frame. */
    PROTOCOL_ERROR(3);

    private final int code;

    GoAwayReason(int code) {
        this.code = code;
    }

    /** The value on the wire. */
    public int code() {
        return code;
    }

    /** The reason for a wire value, or {@code null} when the value is unknown. */
    public static GoAwayReason fromCode(int code) {
        for (GoAwayReason reason : values()) {
            if (reason.code == code) {
                return reason;
            }
        }
        return null;
    }
}
