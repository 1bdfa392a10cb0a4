package dev.localbridge.gateway.tunnel;

import java.util.List;

import dev.localbridge.protocol.Header;
import dev.localbridge.protocol.ResetReason;

/**
 * What happens on a stream, as the agent reports it. Every call arrives on the context the stream was opened with, one
 * at a time, in frame order.
 */
public interface StreamListener {

    /** The response status and headers; {@code endOfStream} when no body follows. */
    void onResponseHead(int status, List<Header> headers, boolean endOfStream);

    /** One chunk of the response body. Call {@link TunnelStream#consumed(int)} once it has been handed on. */
    void onResponseBody(byte[] data);

    /** The response is complete. */
    void onResponseEnd();

    /** The agent abandoned the stream. */
    void onReset(ResetReason reason, String message);

    /** The tunnel closed (or broke the protocol) before the stream completed. */
    void onTunnelClosed(String why);

    /** Credit arrived or the socket drained: request body that {@link TunnelStream#sendBody} held back can go on. */
    void onWritable();
}
