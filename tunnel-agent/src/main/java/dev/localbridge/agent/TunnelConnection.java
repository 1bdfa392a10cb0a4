package dev.localbridge.agent;

import dev.localbridge.protocol.Capabilities;
import dev.localbridge.protocol.CloseCode;
import dev.localbridge.protocol.Frame;
import dev.localbridge.protocol.GoAwayReason;
import dev.localbridge.protocol.FrameCodec;
import dev.localbridge.protocol.ProtocolException;
import dev.localbridge.protocol.ResetReason;
import dev.localbridge.protocol.TunnelProtocol;
import dev.localbridge.protocol.vertx.FrameWriter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * One tunnel: a WebSocket to the gateway carrying many streams. Opens with {@link Frame.Hello} and is ready once the
 * gateway's Hello is back; then decodes frames and dispatches them to one {@link StreamForwarder} per stream (sending
 * {@link Frame.Accept} for each stream it takes), answers and sends pings, renews its token in-band
 * ({@link Frame.Renew}) when the gateway announced {@link Capabilities#RENEW}, and closes itself when the gateway
 * breaks the protocol (1002), says no Hello in time (4400) or has been silent for three ping intervals (4408). Confined
 * to the agent's event loop.
 */
final class TunnelConnection implements FrameSink {

    /** What the agent needs to hear from a connection. Called on the event loop. */
    interface Listener {
        /** The gateway answered the Hello: the tunnel carries streams from now on. */
        void ready(TunnelConnection connection);

        /** The gateway is draining this connection. */
        void goAway(TunnelConnection connection, Frame.GoAway goAway);

        /**
         * The WebSocket is closed; {@code why} is a human-readable reason for the log, {@code gatewayCode} the
         * gateway's close code, which decides what to do next ({@code null} when the close was of the agent's own
         * making, the connection was lost or the code is unknown: the agent then backs off).
         */
        void closed(TunnelConnection connection, String why, CloseCode gatewayCode);
    }

    /** What the agent announces in its Hello. */
    static final List<String> CAPABILITIES = List.of(Capabilities.ACCEPT, Capabilities.RENEW);

    /** How long the agent waits for the gateway's Hello before it gives up on the connection. */
    static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = Logger.getLogger(TunnelConnection.class.getName());

    private final String id;
    private final WebSocket ws;
    private final FrameWriter writer;
    private final Vertx vertx;
    private final FrameCodec codec;
    private final LocalTarget target;
    private final int maxStreams;
    private final long pingIntervalNanos;
    private final Listener listener;
    private final Map<Integer, StreamForwarder> streams = new HashMap<>();
    private final Promise<Void> closedPromise = Promise.promise();

    private int lastStreamId;
    private boolean draining;
    private boolean replacing;
    private boolean closeWhenIdle;
    private String closeCause;
    /** Our close frame is on its way: nothing is sent after it. */
    private volatile boolean closing;
    private long lastReceived = System.nanoTime();
    private long pingTimer = -1;
    private long helloTimer = -1;
    private long pingSequence;
    private boolean ready;
    private boolean gatewayRenews;
    /** The token the gateway holds for this connection: the upgrade's, then the last one sent in a Renew. */
    private String presentedToken;

    TunnelConnection(String id, WebSocket ws, Vertx vertx, FrameCodec codec, LocalTarget target, int maxStreams,
            Duration pingInterval, String presentedToken, Listener listener) {
        this.id = id;
        this.presentedToken = presentedToken;
        this.ws = ws;
        this.writer = new FrameWriter(ws);
        this.vertx = vertx;
        this.codec = codec;
        this.target = target;
        this.maxStreams = maxStreams;
        this.pingIntervalNanos = pingInterval.toNanos();
        this.listener = listener;
    }

    String id() {
        return id;
    }

    /** Installs the handlers, says hello and starts the keepalive. */
    void start() {
        ws.binaryMessageHandler(this::onMessage);
        ws.textMessageHandler(text -> {
            lastReceived = System.nanoTime();
            protocolError("text message received; the protocol uses binary frames only");
        });
        ws.pongHandler(pong -> lastReceived = System.nanoTime());
        ws.exceptionHandler(e -> {
            if (closeCause == null) {
                closeCause = "connection error: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage());
            }
        });
        ws.closeHandler(v -> onClosed());
        send(new Frame.Hello(TunnelProtocol.VERSION, CAPABILITIES));
        helloTimer = vertx.setTimer(HELLO_TIMEOUT.toMillis(), t -> {
            if (!ready) {
                close(CloseCode.HELLO_TIMEOUT, "no hello from the gateway within " + HELLO_TIMEOUT.toMillis() + " ms");
            }
        });
        long intervalMillis = Math.max(1, pingIntervalNanos / 1_000_000);
        pingTimer = vertx.setPeriodic(intervalMillis, t -> keepalive());
    }

    /** Whether the gateway's Hello has arrived. */
    boolean isReady() {
        return ready;
    }

    /** Whether a new token can be sent on this connection: it is up and serving, and the gateway announced renew. */
    boolean canRenew() {
        return ready && gatewayRenews && !closing && !draining;
    }

    /** The token the gateway was last given on this connection. */
    String presentedToken() {
        return presentedToken;
    }

    /** Sends {@code token} in a {@link Frame.Renew}; the answer is logged when it comes. */
    void renew(String token) {
        presentedToken = token;
        try {
            send(new Frame.Renew(token));
            LOG.fine(() -> "[" + id + "] renewing the tunnel's token");
        } catch (IllegalArgumentException e) {
            LOG.warning(() -> "[" + id + "] the new token cannot be sent to the gateway (" + e.getMessage()
                    + "); the tunnel keeps its old token until it expires");
        }
    }

    private void onRenewed(Frame.Renewed answer) {
        String until = answer.validUntil() == Long.MAX_VALUE ? "without expiry"
                : "until " + Instant.ofEpochSecond(answer.validUntil());
        if (answer.result().accepted()) {
            LOG.info(() -> "[" + id + "] token renewed, the tunnel is valid " + until);
        } else {
            LOG.warning(() -> "[" + id + "] token renewal refused by the gateway (" + answer.result()
                    + (answer.message().isEmpty() ? "" : ": " + answer.message()) + "); the tunnel stays valid "
                    + until);
        }
    }

    private void onMessage(Buffer message) {
        lastReceived = System.nanoTime();
        Frame frame;
        try {
            frame = codec.decode(message.getBytes());
        } catch (ProtocolException e) {
            protocolError("malformed frame: " + e.getMessage());
            return;
        }
        if (!ready) {
            beforeHello(frame);
            return;
        }
        switch (frame) {
            case Frame.RequestHead h -> openStream(h);
            case Frame.RequestBody b -> {
                StreamForwarder s = stream(b.streamId());
                if (s != null) {
                    s.onRequestBody(b.data());
                }
            }
            case Frame.RequestEnd e -> {
                StreamForwarder s = stream(e.streamId());
                if (s != null) {
                    s.onRequestEnd();
                }
            }
            case Frame.WindowUpdate w -> {
                StreamForwarder s = stream(w.streamId());
                if (s != null) {
                    s.onWindowUpdate(w.increment());
                }
            }
            case Frame.Reset r -> {
                StreamForwarder s = stream(r.streamId());
                if (s != null) {
                    s.onReset(r);
                }
            }
            case Frame.Ping p -> send(new Frame.Pong(p.payload()));
            case Frame.Pong p -> {
            }
            case Frame.GoAway g -> listener.goAway(this, g);
            case Frame.ResponseHead h -> protocolError("unexpected response head from the gateway");
            case Frame.ResponseBody b -> protocolError("unexpected response body from the gateway");
            case Frame.ResponseEnd e -> protocolError("unexpected response end from the gateway");
            case Frame.Accept a -> protocolError("unexpected accept from the gateway");
            case Frame.Hello h -> protocolError("a second hello from the gateway");
            case Frame.Renewed r -> onRenewed(r);
            case Frame.Renew r -> protocolError("unexpected renew from the gateway");
        }
    }

    /** The gateway's first frame must be its Hello; a GoAway is let through, since its close follows. */
    private void beforeHello(Frame frame) {
        switch (frame) {
            case Frame.Hello h when h.version() == TunnelProtocol.VERSION -> {
                ready = true;
                gatewayRenews = h.has(Capabilities.RENEW);
                vertx.cancelTimer(helloTimer);
                LOG.fine(() -> "[" + id + "] gateway hello, capabilities " + h.capabilities());
                listener.ready(this);
            }
            case Frame.Hello h -> protocolError("gateway speaks protocol version " + h.version() + ", this agent "
                    + TunnelProtocol.VERSION);
            case Frame.GoAway g -> LOG.info(() -> "[" + id + "] gateway sent goaway before its hello ("
                    + g.reason() + (g.message().isEmpty() ? "" : ": " + g.message()) + ")");
            default -> protocolError("the gateway's first frame is a " + frame.getClass().getSimpleName()
                    + ", not a hello");
        }
    }

    private void openStream(Frame.RequestHead head) {
        int streamId = head.streamId();
        if (streamId <= lastStreamId) {
            protocolError("stream id " + streamId + " not above the last one (" + lastStreamId + ")");
            return;
        }
        lastStreamId = streamId;
        if (draining) {
            send(new Frame.Reset(streamId, ResetReason.REFUSED_STREAM, "agent is moving to a new tunnel"));
            return;
        }
        if (streams.size() >= maxStreams) {
            send(new Frame.Reset(streamId, ResetReason.REFUSED_STREAM,
                    "agent has " + maxStreams + " streams in flight"));
            return;
        }
        StreamForwarder stream = new StreamForwarder(id, head, this, this::streamClosed);
        streams.put(streamId, stream);
        // Ahead of anything the local request produces: the gateway learns the stream was taken and started.
        send(new Frame.Accept(streamId));
        stream.start(target);
    }

    /** The open stream, or null when the frame is for a finished stream (ignored). */
    private StreamForwarder stream(int streamId) {
        StreamForwarder s = streams.get(streamId);
        if (s == null && streamId > lastStreamId) {
            protocolError("frame for stream " + streamId + " that was never opened");
        }
        return s;
    }

    private void streamClosed(StreamForwarder stream) {
        streams.remove(stream.id(), stream);
        if (closeWhenIdle && streams.isEmpty()) {
            close(CloseCode.NORMAL, "replaced by a new tunnel");
        }
    }

    private void keepalive() {
        long silent = System.nanoTime() - lastReceived;
        if (silent >= 3 * pingIntervalNanos) {
            close(CloseCode.KEEPALIVE_TIMEOUT, "keepalive timeout: gateway silent for "
                    + Duration.ofNanos(silent).toMillis() + " ms");
            return;
        }
        send(new Frame.Ping(++pingSequence));
    }

    @Override
    public void send(Frame frame) {
        if (!closing) {
            // one message per frame: the codec refuses anything above the limits the gateway accepts
            writer.write(codec.encode(frame));
        }
    }

    private void protocolError(String reason) {
        LOG.warning(() -> "[" + id + "] protocol error, closing the tunnel: " + reason);
        close(CloseCode.PROTOCOL_ERROR, reason);
    }

    /**
     * The gateway sent GoAway: a replacement tunnel is being opened. This one keeps serving new streams until the
     * replacement is up (make-before-break), so that nothing is refused during the switch.
     */
    void markReplacing() {
        replacing = true;
    }

    boolean isReplacing() {
        return replacing;
    }

    /**
     * The replacement is up: tells the gateway (GoAway) to open no more streams here, refuses any that still arrive,
     * and closes with 1000 once the streams in flight have finished.
     */
    void closeWhenIdle() {
        if (!draining) {
            send(new Frame.GoAway(GoAwayReason.DRAINING, "moved to a new tunnel"));
        }
        draining = true;
        closeWhenIdle = true;
        if (streams.isEmpty()) {
            close(CloseCode.NORMAL, "replaced by a new tunnel");
        }
    }

    int activeStreams() {
        return streams.size();
    }

    boolean isOpen() {
        return !ws.isClosed();
    }

    /** Closes the WebSocket with the code and reason; the future completes once it is closed. */
    Future<Void> close(CloseCode code, String reason) {
        closing = true;
        if (closeCause == null) {
            closeCause = reason + " (" + code.code() + ")";
        }
        if (!ws.isClosed()) {
            ws.close(code.asShort(), truncate(reason));
        }
        return closedPromise.future();
    }

    /** Completes once the WebSocket is closed. */
    Future<Void> closed() {
        return closedPromise.future();
    }

    private void onClosed() {
        vertx.cancelTimer(pingTimer);
        vertx.cancelTimer(helloTimer);
        for (StreamForwarder s : new ArrayList<>(streams.values())) {
            s.abort();
        }
        streams.clear();
        // The gateway's code decides only when the gateway closed; trouble on this side (our own close, a
        // connection error) always backs off.
        CloseCode gatewayCode = closeCause != null || ws.closeStatusCode() == null ? null
                : CloseCode.fromCode(ws.closeStatusCode());
        String why = closeCause != null ? closeCause : describeRemoteClose();
        closedPromise.tryComplete();
        listener.closed(this, why, gatewayCode);
    }

    private String describeRemoteClose() {
        Short code = ws.closeStatusCode();
        String reason = ws.closeReason();
        if (code == null) {
            return "connection lost";
        }
        return "gateway closed the connection (" + code + (reason == null || reason.isBlank() ? "" : " " + reason)
                + ")";
    }

    /** A close reason must fit in 123 bytes of UTF-8. */
    static String truncate(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= 123) {
            return reason;
        }
        StringBuilder sb = new StringBuilder();
        int bytes = 3;
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            int size = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            if (bytes + size > 123) {
                break;
            }
            bytes += size;
            sb.append(c);
        }
        return sb.append("...").toString();
    }
}
