package dev.localbridge.agent;

import dev.localbridge.protocol.Frame;
import dev.localbridge.protocol.GoAwayReason;
import dev.localbridge.protocol.FrameCodec;
import dev.localbridge.protocol.ProtocolException;
import dev.localbridge.protocol.ResetReason;
import dev.localbridge.protocol.vertx.FrameWriter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * One tunnel: a WebSocket to the gateway carrying many streams. Decodes frames and dispatches them to one
 * {@link StreamForwarder} per stream, answers and sends pings, and closes itself when the gateway breaks the
 * protocol (1002) or has been silent for three ping intervals (4408). Confined to the agent's event loop.
 */
final class TunnelConnection implements FrameSink {

    /** What the agent needs to hear from a connection. Called on the event loop. */
    interface Listener {
        /** The gateway is draining this connection. */
        void goAway(TunnelConnection connection, Frame.GoAway goAway);

        /** The WebSocket is closed; {@code why} is a human-readable reason for the log. */
        void closed(TunnelConnection connection, String why);
    }

    static final short NORMAL = 1000;
    static final short GOING_AWAY = 1001;
    static final short PROTOCOL_ERROR = 1002;
    static final short KEEPALIVE_TIMEOUT = 4408;

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
    private long pingSequence;

    TunnelConnection(String id, WebSocket ws, Vertx vertx, FrameCodec codec, LocalTarget target, int maxStreams,
            Duration pingInterval, Listener listener) {
        this.id = id;
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

    /** Installs the handlers and starts the keepalive. */
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
        long intervalMillis = Math.max(1, pingIntervalNanos / 1_000_000);
        pingTimer = vertx.setPeriodic(intervalMillis, t -> keepalive());
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
            close(NORMAL, "replaced by a new tunnel");
        }
    }

    private void keepalive() {
        long silent = System.nanoTime() - lastReceived;
        if (silent >= 3 * pingIntervalNanos) {
            close(KEEPALIVE_TIMEOUT, "keepalive timeout: gateway silent for " + Duration.ofNanos(silent).toMillis()
                    + " ms");
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
        LOG.warning(() -> "[" + id + "] protocol error, closing the tunnel with 1002: " + reason);
        close(PROTOCOL_ERROR, reason);
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
            close(NORMAL, "replaced by a new tunnel");
        }
    }

    int activeStreams() {
        return streams.size();
    }

    boolean isOpen() {
        return !ws.isClosed();
    }

    /** Closes the WebSocket with the code and reason; the future completes once it is closed. */
    Future<Void> close(short code, String reason) {
        closing = true;
        if (closeCause == null) {
            closeCause = reason + " (" + code + ")";
        }
        if (!ws.isClosed()) {
            ws.close(code, truncate(reason));
        }
        return closedPromise.future();
    }

    /** Completes once the WebSocket is closed. */
    Future<Void> closed() {
        return closedPromise.future();
    }

    private void onClosed() {
        vertx.cancelTimer(pingTimer);
        for (StreamForwarder s : new ArrayList<>(streams.values())) {
            s.abort();
        }
        streams.clear();
        String why = closeCause != null ? closeCause : describeRemoteClose();
        closedPromise.tryComplete();
        listener.closed(this, why);
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
