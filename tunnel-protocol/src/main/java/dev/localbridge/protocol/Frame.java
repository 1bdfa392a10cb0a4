package dev.localbridge.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One message of the LocalBridge tunnel protocol (version 1). Each frame travels as exactly one binary WebSocket
 * message; {@link FrameCodec} gives the byte layout, which {@code docs/protocol.md} documents.
 *
 * <p>Streams are opened by the gateway ({@link RequestHead}) and carry one HTTP exchange each. Connection-level frames
 * ({@link Hello}, {@link Ping}, {@link Pong}, {@link GoAway}, {@link Renew}, {@link Renewed}) use stream id 0. The first frame each way is a
 * {@link Hello} (protocol version 2, {@link TunnelProtocol#SUBPROTOCOL_V2}).
 */
public sealed interface Frame {

    /** The stream this frame belongs to; 0 for connection-level frames. */
    int streamId();

    /** Gateway to agent: opens a stream with the method, the path-and-query and the headers of a request. */
    record RequestHead(int streamId, String method, String target, List<Header> headers, boolean endOfStream)
            implements Frame {
        public RequestHead {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(target, "target");
            headers = List.copyOf(headers);
        }
    }

    /** Gateway to agent: one chunk of a request body. Consumes flow-control credit of the stream. */
    record RequestBody(int streamId, byte[] data) implements Frame {
        public RequestBody {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RequestBody other && other.streamId == streamId && Arrays.equals(other.data, data);
        }

        @Override
        public int hashCode() {
            return 31 * streamId + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "RequestBody[streamId=" + streamId + ", bytes=" + data.length + "]";
        }
    }

    /** Gateway to agent: the request body is complete. */
    record RequestEnd(int streamId) implements Frame {
    }

    /** Agent to gateway: the status and headers of the response. */
    record ResponseHead(int streamId, int status, List<Header> headers, boolean endOfStream) implements Frame {
        public ResponseHead {
            headers = List.copyOf(headers);
        }
    }

    /** Agent to gateway: one chunk of a response body. Consumes flow-control credit of the stream. */
    record ResponseBody(int streamId, byte[] data) implements Frame {
        public ResponseBody {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ResponseBody other && other.streamId == streamId && Arrays.equals(other.data, data);
        }

        @Override
        public int hashCode() {
            return 31 * streamId + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "ResponseBody[streamId=" + streamId + ", bytes=" + data.length + "]";
        }
    }

    /** Agent to gateway: the response body is complete; the stream is closed. */
    record ResponseEnd(int streamId) implements Frame {
    }

    /** Either way: abandons a stream at once, with the reason. Nothing more is sent on that stream. */
    record Reset(int streamId, ResetReason reason, String message) implements Frame {
        public Reset {
            Objects.requireNonNull(reason, "reason");
            message = message == null ? "" : message;
        }
    }

    /** Either way: the receiver of a stream's body grants the sender {@code increment} more bytes. */
    record WindowUpdate(int streamId, int increment) implements Frame {
    }

    /** Either way: keepalive; the peer answers with a {@link Pong} carrying the same payload. */
    record Ping(long payload) implements Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    /** Either way: the answer to a {@link Ping}. */
    record Pong(long payload) implements Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    /**
     * Either way: the sender is going away. No new streams are opened on this connection; streams in flight finish.
     * An agent that receives it opens a new tunnel before it closes this one.
     */
    record GoAway(GoAwayReason reason, String message) implements Frame {
        public GoAway {
            Objects.requireNonNull(reason, "reason");
            message = message == null ? "" : message;
        }

        @Override
        public int streamId() {
            return 0;
        }
    }

    /**
     * Each way, first: the sender's protocol version and the optional features it supports. The agent sends it as
     * its first frame; the gateway answers with its own and only then routes requests to the tunnel.
     *
     * @param version      the protocol version the sender speaks ({@link TunnelProtocol#VERSION})
     * @param capabilities short names of optional features ({@link Capabilities}), each at most once, in the
     *                     sender's order
     */
    record Hello(int version, List<String> capabilities) implements Frame {
        public Hello {
            capabilities = List.copyOf(capabilities);
        }

        /** Whether the sender announced {@code capability}. */
        public boolean has(String capability) {
            return capabilities.contains(capability);
        }

        @Override
        public int streamId() {
            return 0;
        }
    }

    /**
     * Agent to gateway: the agent has taken the stream and started the local request. Sent only by an agent that
     * announced {@link Capabilities#ACCEPT}; a stream that stays unaccepted tells the gateway the agent is stuck.
     */
    record Accept(int streamId) implements Frame {
    }

    /**
     * Agent to gateway: a fresh token for the open tunnel, sent only to a gateway that announced
     * {@link Capabilities#RENEW}. The gateway verifies it, requires the tunnel's user, and answers with
     * {@link Renewed}; the tunnel and its streams carry on either way.
     *
     * @param token the bearer token, 1 to {@link TunnelProtocol#MAX_TOKEN_BYTES} characters of visible ASCII
     */
    record Renew(String token) implements Frame {
        public Renew {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public int streamId() {
            return 0;
        }

        /** Never shows the token: frames end up in logs and assertion messages. */
        @Override
        public String toString() {
            return "Renew[token=" + token.length() + " chars]";
        }
    }

    /**
     * Gateway to agent: the answer to a {@link Renew}.
     *
     * @param result     accepted, or why not
     * @param validUntil epoch seconds until which the tunnel's token is valid after this answer: the new token's
     *                   {@code exp} when accepted, the unchanged one when refused ({@link Long#MAX_VALUE}: no expiry)
     * @param message    free text for the agent's log; may be empty
     */
    record Renewed(RenewResult result, long validUntil, String message) implements Frame {
        public Renewed {
            Objects.requireNonNull(result, "result");
            message = message == null ? "" : message;
        }

        @Override
        public int streamId() {
            return 0;
        }
    }
}
