package dev.localbridge.protocol;

/**
 * A frame that cannot be accepted, with the reason. The receiver closes the tunnel (or resets the stream) and reports
 * {@link #reason()}; it never lets the exception escape into the transport.
 */
public final class ProtocolException extends Exception {

    /** What was wrong with the input. */
    public enum Reason {
        /** The message ended before a field it announced. */
        TRUNCATED,
        /** The message, a field or a count is above the configured {@link FrameLimits}. */
        OVERSIZED,
        /** The first byte names no frame type of this protocol version. */
        UNKNOWN_TYPE,
        /** Flags are set that this frame type does not define. */
        BAD_FLAGS,
        /** The stream id is 0 on a stream frame, non-zero on a connection frame, or negative. */
        BAD_STREAM_ID,
        /** A field holds a value this protocol does not allow (an unknown reason code, a CR in a header...). */
        BAD_FIELD,
        /** Bytes are left after the last field of a fixed-size frame. */
        TRAILING_BYTES
    }

    private final Reason reason;

    public ProtocolException(Reason reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    /** The class of the failure, stable enough to count in metrics. */
    public Reason reason() {
        return reason;
    }
}
