package dev.localbridge.gateway.tunnel;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import dev.localbridge.protocol.Capabilities;
import dev.localbridge.protocol.CloseCode;
import dev.localbridge.protocol.Frame;
import dev.localbridge.protocol.FrameCodec;
import dev.localbridge.protocol.GoAwayReason;
import dev.localbridge.protocol.Header;
import dev.localbridge.protocol.ProtocolException;
import dev.localbridge.protocol.TunnelProtocol;
import dev.localbridge.protocol.vertx.FrameWriter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/**
 * One agent's WebSocket: the multiplexer between its frames and the {@link TunnelStream}s of the requests it carries.
 *
 * <p>A connection takes streams only once the agent has said {@link Frame.Hello} and the gateway has answered with its
 * own ({@link #acceptsStreams()}): a WebSocket client that holds a valid token but does not speak the protocol is never
 * routed to, and is closed with {@link CloseCode#HELLO_TIMEOUT} when it stays silent. It serves for as long as its
 * token, renewed in-band, is valid ({@link TokenLifetime}).
 *
 * <p>Threading: WebSocket events arrive on the socket's event loop; each stream frame is handed to the context of the
 * stream it belongs to. Writing frames is safe from any thread (Vert.x orders and flushes them on the socket's loop).
 */
public final class TunnelConnection {

    private static final Logger LOG = Logger.getLogger(TunnelConnection.class);

    /** What the gateway announces in its Hello. */
    static final List<String> CAPABILITIES = List.of(Capabilities.ACCEPT, Capabilities.RENEW);

    private final String id;
    private final String userId;
    private final ServerWebSocket socket;
    private final FrameWriter writer;
    private final FrameCodec codec;
    private final TunnelEvents events;
    private final Settings settings;
    private final TokenLifetime lifetime;
    private final Instant connectedAt = Instant.now();
    private final Map<Integer, TunnelStream> streams = new ConcurrentHashMap<>();
    private final Set<TunnelStream> waitingForDrain = ConcurrentHashMap.newKeySet();
    private final AtomicInteger lastStreamId = new AtomicInteger();
    private final Object openLock = new Object();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytesToAgent = new AtomicLong();
    private final AtomicLong bytesFromAgent = new AtomicLong();
    /**
     * Streams the agent has neither accepted nor answered yet, by id, with the time they were opened (nanoTime). Ids
     * increase with time, so the first entry is the oldest: {@link #unresponsive()} looks at one entry.
     */
    private final ConcurrentSkipListMap<Integer, Long> unaccepted = new ConcurrentSkipListMap<>();
    /**
     * A stream was given up after the agent left it unaccepted past the timeout (and re-routed): the connection stays
     * unresponsive until the agent answers on some stream, so that it does not get the next request to stall too.
     */
    private volatile boolean strayed;

    private volatile long lastHeardNanos = System.nanoTime();
    private volatile long rttNanos = -1;
    private volatile boolean closed;
    /** Our close frame is on its way: no more frames, no new streams (closed comes with the close handshake's end). */
    private volatile boolean closing;
    private volatile boolean agentGoingAway;
    private volatile boolean draining;
    private volatile long epoch;
    /** The agent's Hello, once it arrived and was answered; {@code null} before. */
    private volatile Frame.Hello agentHello;
    private Vertx vertx;
    private long keepaliveTimer = -1;
    private long helloTimer = -1;

    /**
     * The timing and size rules of one connection.
     *
     * @param maxStreams          streams in flight at most
     * @param pingIntervalMillis  keepalive interval; silent for three of them closes the tunnel
     * @param helloTimeoutMillis  time the agent has after the upgrade to say Hello
     * @param acceptTimeoutMillis age at which a stream the agent has not accepted makes the tunnel unresponsive
     */
    record Settings(int maxStreams, long pingIntervalMillis, long helloTimeoutMillis, long acceptTimeoutMillis) {
    }

    TunnelConnection(String id, String userId, ServerWebSocket socket, FrameCodec codec, TunnelEvents events,
            Settings settings, TokenLifetime lifetime) {
        this.id = id;
        this.userId = userId;
        this.socket = socket;
        this.writer = new FrameWriter(socket);
        this.codec = codec;
        this.events = events;
        this.settings = settings;
        this.lifetime = lifetime;
    }

    public String id() {
        return id;
    }

    public String userId() {
        return userId;
    }

    public Instant connectedAt() {
        return connectedAt;
    }

    public int streamsInFlight() {
        return streams.size();
    }

    public long requests() {
        return requests.get();
    }

    public long bytesToAgent() {
        return bytesToAgent.get();
    }

    public long bytesFromAgent() {
        return bytesFromAgent.get();
    }

    /** Epoch seconds until which the tunnel's token is valid (renewals move it); {@link Long#MAX_VALUE}: no expiry. */
    public long tokenValidUntil() {
        return lifetime.validUntilSeconds();
    }

    /** The fencing epoch of this connection's lease (0 while standalone or not yet registered). */
    public long epoch() {
        return epoch;
    }

    /** Records the epoch the lease was (re)acquired with. */
    public void epoch(long epoch) {
        this.epoch = epoch;
    }

    /** The last measured round trip of a ping, in milliseconds, or -1 before the first pong. */
    public double rttMillis() {
        long rtt = rttNanos;
        return rtt < 0 ? -1 : rtt / 1_000_000.0;
    }

    /** True while the connection can take new streams: the agent has said hello, and nobody is closing or leaving. */
    public boolean acceptsStreams() {
        return agentHello != null && !closed && !closing && !agentGoingAway;
    }

    /** Whether the agent has said hello (and got the gateway's answer). */
    public boolean helloDone() {
        return agentHello != null;
    }

    /** The capabilities the agent announced in its Hello; empty before it. */
    public List<String> capabilities() {
        Frame.Hello hello = agentHello;
        return hello == null ? List.of() : hello.capabilities();
    }

    /**
     * True while a stream opened more than {@code TUNNEL_STREAM_ACCEPT_TIMEOUT} ago has been neither accepted nor
     * answered by the agent: it takes streams but does not start them (stuck, or not really an agent). Only agents
     * that announced {@link Capabilities#ACCEPT} can be unresponsive; the others never promised an Accept.
     */
    public boolean unresponsive() {
        var oldest = unaccepted.firstEntry();
        return strayed || oldest != null && overdue(oldest.getValue());
    }

    private boolean overdue(long openedNanos) {
        return System.nanoTime() - openedNanos >= settings.acceptTimeoutMillis() * 1_000_000L;
    }

    /**
     * Opens a stream for a request handled on {@code context} and sends its head; {@code null} when the tunnel already
     * carries its maximum of streams or is closing. Ids are taken and heads written under one lock, so that the agent
     * sees stream ids strictly increasing even when requests on several event loops open streams at once.
     *
     * @throws IllegalArgumentException when the head cannot be carried by the protocol (the stream is not opened)
     */
    public TunnelStream open(Context context, StreamListener listener, String method, String target,
            List<Header> headers, boolean endOfStream) {
        synchronized (openLock) {
            if (!acceptsStreams() || streams.size() >= settings.maxStreams()) {
                return null;
            }
            int id = lastStreamId.get() + 1;
            byte[] head = codec.encode(new Frame.RequestHead(id, method, target, headers, endOfStream));
            lastStreamId.set(id);
            TunnelStream stream = new TunnelStream(id, this, context, listener);
            streams.put(id, stream);
            if (agentHello.has(Capabilities.ACCEPT)) {
                unaccepted.put(id, System.nanoTime());
            }
            requests.incrementAndGet();
            writer.write(head);
            return stream;
        }
    }

    void start(Vertx vertx) {
        this.vertx = vertx;
        socket.binaryMessageHandler(this::onMessage);
        socket.textMessageHandler(text -> protocolError("text messages are not part of the protocol"));
        socket.pongHandler(pong -> lastHeardNanos = System.nanoTime());
        socket.drainHandler(v -> onDrained());
        socket.closeHandler(v -> onClosed());
        socket.exceptionHandler(e -> LOG.debugf("tunnel %s: socket error %s", id, e.getMessage()));
        lifetime.start(this, vertx);
        keepaliveTimer = vertx.setPeriodic(settings.pingIntervalMillis(), t -> keepalive());
        helloTimer = vertx.setTimer(settings.helloTimeoutMillis(), t -> {
            if (agentHello == null && !closed && !closing) {
                LOG.infof("tunnel %s user=%s: no hello within %d ms, closing", id, userId,
                        settings.helloTimeoutMillis());
                close(CloseCode.HELLO_TIMEOUT, "no hello within " + settings.helloTimeoutMillis() + " ms");
            }
        });
    }

    void send(Frame frame) {
        if (closed || closing) {
            return; // nothing after our close frame
        }
        byte[] bytes = codec.encode(frame);
        if (frame instanceof Frame.RequestBody b) {
            bytesToAgent.addAndGet(b.data().length);
        }
        writer.write(bytes);
    }

    boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    void notifyWhenDrained(TunnelStream stream) {
        waitingForDrain.add(stream);
    }

    void streamClosed(TunnelStream stream) {
        streams.remove(stream.id(), stream);
        Long openedNanos = unaccepted.remove(stream.id());
        if (openedNanos != null && overdue(openedNanos)) {
            strayed = true;
        }
        waitingForDrain.remove(stream);
    }

    /**
     * Sends goaway because this replica is draining: the agent opens a new tunnel elsewhere and then closes this one;
     * streams in flight finish here. New requests prefer the user's other connections from now on, but may still use
     * this one while there is no other (so that nothing fails during the switch).
     */
    public void drain() {
        draining = true;
        send(new Frame.GoAway(GoAwayReason.DRAINING, "this gateway replica is shutting down; reconnect elsewhere"));
    }

    /** True once {@link #drain()} was called. */
    public boolean draining() {
        return draining;
    }

    /** Closes the WebSocket with a status code and a reason for the agent's log (cut to fit a close frame). */
    public void close(CloseCode code, String reason) {
        closing = true;
        if (!socket.isClosed()) {
            String shortReason = reason.length() > 120 ? reason.substring(0, 120) : reason;
            writer.afterWrites(() -> socket.close(code.asShort(), shortReason));
        }
    }

    private void onMessage(Buffer message) {
        lastHeardNanos = System.nanoTime();
        Frame frame;
        try {
            frame = codec.decode(message.getByteBuf().nioBuffer());
        } catch (ProtocolException e) {
            protocolError(e.getMessage());
            return;
        }
        if (agentHello == null) {
            if (frame instanceof Frame.Hello hello) {
                onHello(hello);
            } else {
                protocolError("the first frame must be a Hello, not " + frame.getClass().getSimpleName());
            }
            return;
        }
        switch (frame) {
            case Frame.ResponseHead f -> toStream(f);
            case Frame.ResponseBody f -> {
                bytesFromAgent.addAndGet(f.data().length);
                toStream(f);
            }
            case Frame.ResponseEnd f -> toStream(f);
            case Frame.Reset f -> toStream(f);
            case Frame.WindowUpdate f -> toStream(f);
            case Frame.Ping p -> send(new Frame.Pong(p.payload()));
            case Frame.Pong p -> rttNanos = System.nanoTime() - p.payload();
            case Frame.GoAway g -> {
                agentGoingAway = true;
                LOG.infof("tunnel %s user=%s: agent going away (%s %s)", id, userId, g.reason(), g.message());
            }
            case Frame.RequestHead f -> protocolError("the agent sent a request head");
            case Frame.RequestBody f -> protocolError("the agent sent a request body");
            case Frame.RequestEnd f -> protocolError("the agent sent a request end");
            case Frame.Accept f -> toStream(f);
            case Frame.Hello h -> protocolError("a second Hello");
            case Frame.Renew r -> lifetime.renew(r.token());
            case Frame.Renewed r -> protocolError("the agent sent a renewal answer");
        }
    }

    private void onHello(Frame.Hello hello) {
        if (hello.version() != TunnelProtocol.VERSION) {
            protocolError("protocol version " + hello.version() + " in the Hello of a "
                    + TunnelProtocol.SUBPROTOCOL_V2 + " connection");
            return;
        }
        if (closed || closing) {
            return;
        }
        vertx.cancelTimer(helloTimer);
        send(new Frame.Hello(TunnelProtocol.VERSION, CAPABILITIES));
        // Routable from here on: the Hello is on its way ahead of any RequestHead (same writer, written first).
        agentHello = hello;
        LOG.debugf("tunnel %s user=%s: hello, capabilities %s", id, userId, hello.capabilities());
    }

    private void toStream(Frame frame) {
        // Any answer on a stream (an Accept, a head, a reset) shows the agent took notice of it.
        if (unaccepted.remove(frame.streamId()) != null) {
            strayed = false;
        }
        TunnelStream stream = streams.get(frame.streamId());
        if (stream == null) {
            if (frame.streamId() > lastStreamId.get()) {
                protocolError("frame for stream " + frame.streamId() + ", which was never opened");
            }
            return; // a frame still in flight for a stream that is already over
        }
        stream.context().runOnContext(v -> stream.onFrame(frame));
    }

    private void protocolError(String reason) {
        LOG.warnf("tunnel %s user=%s: protocol error, closing: %s", id, userId, reason);
        events.protocolError(this);
        send(new Frame.GoAway(GoAwayReason.PROTOCOL_ERROR, reason));
        close(CloseCode.PROTOCOL_ERROR, reason);
    }

    private void keepalive() {
        long silentNanos = System.nanoTime() - lastHeardNanos;
        if (silentNanos > 3 * settings.pingIntervalMillis() * 1_000_000L) {
            LOG.infof("tunnel %s user=%s: silent for %d ms, closing", id, userId, silentNanos / 1_000_000);
            close(CloseCode.KEEPALIVE_TIMEOUT, "keepalive timeout");
            return;
        }
        if (agentHello != null) {
            // Before its Hello the gateway sends nothing: its first frame is its own Hello.
            send(new Frame.Ping(System.nanoTime()));
        }
    }

    private void onDrained() {
        for (TunnelStream stream : waitingForDrain) {
            waitingForDrain.remove(stream);
            stream.context().runOnContext(v -> stream.onSocketDrained());
        }
    }

    private void onClosed() {
        closed = true;
        vertx.cancelTimer(keepaliveTimer);
        vertx.cancelTimer(helloTimer);
        lifetime.stop();
        unaccepted.clear();
        events.closed(this, socket.closeStatusCode() == null ? CloseCode.CONNECTION_LOST.code()
                : socket.closeStatusCode(), socket.closeReason());
        String why = "the tunnel closed (" + (socket.closeReason() == null ? "connection lost" : socket.closeReason())
                + ")";
        for (TunnelStream stream : streams.values()) {
            streams.remove(stream.id());
            stream.context().runOnContext(v -> stream.onTunnelClosed(why));
        }
    }
}
