package dev.localbridge.protocol;

/** Constants of the tunnel protocol that both sides must agree on. */
public final class TunnelProtocol {

    /** The WebSocket subprotocol that selects version 1 of this protocol. */
    public static final String SUBPROTOCOL_V1 = "localbridge.tunnel.v1";

    /** The subprotocol marker after which a client may pass its bearer token as the next offered subprotocol. */
    public static final String BEARER_TOKEN_CARRIER = "bearer-token-carrier";

    /** Bytes before the payload of every frame: type, flags, stream id. */
    public static final int FRAME_HEADER_BYTES = 6;

    /** Largest body chunk in one frame. */
    public static final int MAX_CHUNK_BYTES = 256 * 1024;

    /** Flow-control credit each side grants for every stream when it opens. */
    public static final int INITIAL_WINDOW_BYTES = 1024 * 1024;

    private TunnelProtocol() {
    }
}
