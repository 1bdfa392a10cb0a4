package dev.localbridge.protocol;

/** Constants of the tunnel protocol that both sides must agree on. */
public final class TunnelProtocol {

    /**
     * The WebSocket subprotocol of version 1 (no {@link Frame.Hello}). Gateways no longer accept it: a version 1 agent
     * can never prove it speaks the protocol, so it could never be routed to.
     */
    public static final String SUBPROTOCOL_V1 = "localbridge.tunnel.v1";

    /** The WebSocket subprotocol that selects version 2 of this protocol: version 1 plus Hello and Accept (and,
     * behind the {@link Capabilities#RENEW} capability, Renew and Renewed). */
    public static final String SUBPROTOCOL_V2 = "localbridge.tunnel.v2";

    /** The protocol version {@link Frame.Hello} carries under {@link #SUBPROTOCOL_V2}. */
    public static final int VERSION = 2;

    /** The subprotocol marker after which a client may pass its bearer token as the next offered subprotocol. */
    public static final String BEARER_TOKEN_CARRIER = "bearer-token-carrier";

    /** Bytes before the payload of every frame: type, flags, stream id. */
    public static final int FRAME_HEADER_BYTES = 6;

    /** Largest body chunk in one frame. */
    public static final int MAX_CHUNK_BYTES = 256 * 1024;

    /** Flow-control credit each side grants for every stream when it opens. */
    public static final int INITIAL_WINDOW_BYTES = 1024 * 1024;

    /** Most capabilities one {@link Frame.Hello} may announce. */
    public static final int MAX_CAPABILITIES = 32;

    /** Longest capability name, in bytes (names are ASCII). */
    public static final int MAX_CAPABILITY_BYTES = 32;

    /** Longest token a {@link Frame.Renew} carries, in bytes (tokens are visible ASCII). */
    public static final int MAX_TOKEN_BYTES = 16 * 1024;

    private TunnelProtocol() {
    }
}
