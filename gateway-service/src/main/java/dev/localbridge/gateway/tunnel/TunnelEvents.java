package dev.localbridge.gateway.tunnel;

/** What the rest of the gateway learns about a tunnel's life. */
interface TunnelEvents {

    /** The WebSocket closed, for whatever reason. */
    void closed(TunnelConnection tunnel, int code, String reason);

    /** The agent broke the protocol; the tunnel is being closed with {@code CloseCode.PROTOCOL_ERROR}. */
    void protocolError(TunnelConnection tunnel);
}
