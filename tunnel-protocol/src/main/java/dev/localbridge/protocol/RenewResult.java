package dev.localbridge.protocol;

/**
 * The gateway's answer to a {@link Frame.Renew}, carried by {@link Frame.Renewed}: accepted, or why not. A refused
 * renewal changes nothing: the tunnel keeps the validity it had and stays open until then (plus the gateway's grace).
 * The wire carries {@link #code()}.
 */
public enum RenewResult {
    /** The token was verified for the tunnel's user: the tunnel is valid until the new token's {@code exp}. */
    ACCEPTED(0),
    /** The token failed verification (signature, issuer, audience, form, or a revocation). */
    INVALID_TOKEN(1),
    /** The token had already expired. */
    TOKEN_EXPIRED(2),
    /** The token is valid but belongs to another user than the one the tunnel was opened for. */
    OTHER_USER(3),
    /** Another renewal of this connection is still being verified; send the token again after its answer. */
    BUSY(4);

    private final int code;

    RenewResult(int code) {
        this.code = code;
    }

    /** The value on the wire. */
    public int code() {
        return code;
    }

    /** Whether the tunnel's validity was extended. */
    public boolean accepted() {
        return this == ACCEPTED;
    }

    /** The result for a wire value, or {@code null} when the value is unknown. */
    public static RenewResult fromCode(int code) {
        for (RenewResult result : values()) {
            if (result.code == code) {
                return result;
            }
        }
        return null;
    }
}
