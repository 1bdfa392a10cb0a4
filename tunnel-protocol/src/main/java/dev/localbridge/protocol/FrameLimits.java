package dev.localbridge.protocol;

/**
 * Upper bounds the decoder enforces, so that a peer cannot make the receiver allocate without limit.
 *
 * @param maxMessageBytes  largest encoded frame, header included
 * @param maxHeaderCount   most header fields in one head frame
 * @param maxHeaderBytes   largest total of header names and values in one head frame
 * @param maxTargetBytes   longest request target (path and query)
 * @param maxReasonBytes   longest free-text message in a reset or goaway frame
 */
public record FrameLimits(int maxMessageBytes, int maxHeaderCount, int maxHeaderBytes, int maxTargetBytes,
        int maxReasonBytes) {

    /** The limits of protocol version 1: {@value TunnelProtocol#MAX_CHUNK_BYTES} bytes of body per frame. */
    public static final FrameLimits DEFAULT = new FrameLimits(
            TunnelProtocol.MAX_CHUNK_BYTES + TunnelProtocol.FRAME_HEADER_BYTES, 200, 64 * 1024, 16 * 1024, 1024);

    public FrameLimits {
        if (maxMessageBytes < TunnelProtocol.FRAME_HEADER_BYTES || maxHeaderCount < 0 || maxHeaderBytes < 0
                || maxTargetBytes < 1 || maxReasonBytes < 0) {
            throw new IllegalArgumentException("frame limits must be positive");
        }
    }
}
