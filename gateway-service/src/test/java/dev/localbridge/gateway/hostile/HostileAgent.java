package dev.localbridge.gateway.hostile;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import dev.localbridge.gateway.testing.Tokens;
import dev.localbridge.protocol.Frame;
import dev.localbridge.protocol.FrameCodec;
import dev.localbridge.protocol.Header;
import dev.localbridge.protocol.ProtocolException;
import dev.localbridge.protocol.ResetReason;
import dev.localbridge.protocol.TunnelProtocol;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * An agent that speaks the tunnel protocol with a valid token and then lies: for each request the gateway opens, it
 * plays the script registered for the request's path, frame by frame, whatever the rules say. Scripts can carry frames
 * the codec would never encode ({@link #rawHead}), since a hostile agent does not use our codec.
 *
 * <p>Requests for paths without a script get a well-behaved {@code 200 ok} (2 bytes), so that a test can tell when the
 * gateway routes to this agent ({@link #awaitRoutable}).
 */
public final class HostileAgent implements AutoCloseable {

    /** One thing the agent does on a stream. */
    public sealed interface Step permits Send, Pause {
    }

    /** Sends one WebSocket message, made for the stream's id. */
    public record Send(String what, IntFunction<byte[]> message) implements Step {
    }

    /** Waits before the next step: the agent taking its time, as a slow or scheming one would. */
    public record Pause(long millis) implements Step {
    }

    private static final FrameCodec CODEC = new FrameCodec();

    private final Vertx vertx = Vertx.vertx();
    private final WebSocketClient client = vertx.createWebSocketClient();
    private final URI gateway;
    private final String userId;
    private final String token;
    private final Map<String, List<Step>> scripts = new ConcurrentHashMap<>();
    private final List<Frame.RequestHead> requests = new CopyOnWriteArrayList<>();
    private final List<Frame.Reset> resets = new CopyOnWriteArrayList<>();
    private volatile WebSocket socket;
    private volatile Short closeCode;

    private HostileAgent(URI gateway, String userId) {
        this.gateway = gateway;
        this.userId = userId;
        this.token = Tokens.forUser(userId);
    }

    /** Connects a hostile agent for {@code userId} to the gateway at {@code gatewayBase} ({@code http://host:port}). */
    public static HostileAgent connect(URI gatewayBase, String userId) {
        HostileAgent agent = new HostileAgent(gatewayBase, userId);
        agent.openTunnel();
        return agent;
    }

    /**
     * The whole connect sequence of the protocol, in one place: the upgrade with the token and the v2 subprotocol,
     * then the agent's Hello, without which the gateway never routes a request to the tunnel (no capabilities: a
     * hostile agent promises nothing it would then be judged by).
     */
    private void openTunnel() {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(gateway.getHost())
                .setPort(gateway.getPort()).setURI("/ws/tunnel")
                .setSubProtocols(List.of(TunnelProtocol.SUBPROTOCOL_V2))
                .addHeader("Authorization", "Bearer " + token);
        WebSocket ws = client.connect(options).toCompletionStage().toCompletableFuture()
                .orTimeout(30, TimeUnit.SECONDS).join();
        ws.binaryMessageHandler(this::onMessage);
        ws.closeHandler(v -> closeCode = ws.closeStatusCode() == null ? (short) 1006 : ws.closeStatusCode());
        socket = ws;
        ws.writeBinaryMessage(Buffer.buffer(CODEC.encode(new Frame.Hello(TunnelProtocol.VERSION, List.of()))));
    }

    /** Plays {@code steps} for every request whose path (without query) is {@code path}. */
    public HostileAgent on(String path, Step... steps) {
        scripts.put(path, List.of(steps));
        return this;
    }

    /** Waits until a request through {@code via} (a gateway's base URI) reaches this agent. */
    public HostileAgent awaitRoutable(URI via) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ping = HttpRequest.newBuilder(via.resolve("/api/tunnel/" + encode(userId) + "/hostile-ping"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(5)).build();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .alias("a request for " + userId + " through " + via + " reaches the hostile agent")
                .ignoreExceptions()
                .until(() -> http.send(ping, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        return this;
    }

    public String userId() {
        return userId;
    }

    public String token() {
        return token;
    }

    /** Every request head the gateway sent, in order. */
    public List<Frame.RequestHead> requests() {
        return requests;
    }

    /** The resets the gateway sent for the stream that carried the last request for {@code path}. */
    public List<Frame.Reset> resetsOfLast(String path) {
        Frame.RequestHead last = null;
        for (Frame.RequestHead head : requests) {
            if (pathOf(head.target()).equals(path)) {
                last = head;
            }
        }
        if (last == null) {
            return List.of();
        }
        int id = last.streamId();
        return resets.stream().filter(r -> r.streamId() == id).toList();
    }

    /** The WebSocket close code, or {@code null} while the tunnel is open. */
    public Short closeCode() {
        return closeCode;
    }

    // ------------------------------------------------------------------ steps

    /** A well-formed response head with a body to follow; {@code headers} are name, value pairs. */
    public static Step head(int status, String... headers) {
        return new Send("head " + status, id -> CODEC.encode(new Frame.ResponseHead(id, status, headers(headers),
                false)));
    }

    /** A well-formed response head that says no body follows. */
    public static Step headOnly(int status, String... headers) {
        return new Send("head " + status + " END_STREAM", id -> CODEC.encode(new Frame.ResponseHead(id, status,
                headers(headers), true)));
    }

    /**
     * A response head laid out by hand, bypassing every check of the codec: any status from 0 to 65535, any bytes in
     * names and values (encoded as UTF-8).
     */
    public static Step rawHead(int status, boolean endOfStream, String... headers) {
        return new Send("raw head " + status, id -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0x04);
            out.write(endOfStream ? 0x01 : 0x00);
            out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) status).array());
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) (headers.length / 2)).array());
            for (int i = 0; i < headers.length; i += 2) {
                byte[] name = headers[i].getBytes(StandardCharsets.UTF_8);
                byte[] value = headers[i + 1].getBytes(StandardCharsets.UTF_8);
                out.write(name.length);
                out.writeBytes(name);
                out.writeBytes(ByteBuffer.allocate(2).putShort((short) value.length).array());
                out.writeBytes(value);
            }
            return out.toByteArray();
        });
    }

    /** One body frame. */
    public static Step body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    /** One body frame. */
    public static Step body(byte[] data) {
        return new Send("body " + data.length + " B", id -> CODEC.encode(new Frame.ResponseBody(id, data)));
    }

    /** The end of the response body. */
    public static Step end() {
        return new Send("end", id -> CODEC.encode(new Frame.ResponseEnd(id)));
    }

    /** A reset of the stream. */
    public static Step reset(ResetReason reason) {
        return new Send("reset " + reason, id -> CODEC.encode(new Frame.Reset(id, reason, "hostile")));
    }

    /** A pause of {@code millis} before the next step. */
    public static Step pause(long millis) {
        return new Pause(millis);
    }

    // ------------------------------------------------------------------ protocol

    private void onMessage(Buffer message) {
        Frame frame;
        try {
            frame = CODEC.decode(message.getBytes());
        } catch (ProtocolException e) {
            return; // not ours to police
        }
        switch (frame) {
            case Frame.RequestHead head -> {
                requests.add(head);
                List<Step> script = scripts.getOrDefault(pathOf(head.target()), List.of(
                        head(200, "Content-Type", "text/plain", "Content-Length", "2"), body("ok"), end()));
                play(head.streamId(), script.iterator());
            }
            case Frame.Reset r -> resets.add(r);
            case Frame.Ping p -> socket.writeBinaryMessage(Buffer.buffer(CODEC.encode(new Frame.Pong(p.payload()))));
            default -> {
                // request bodies, window updates, pongs and goaways change nothing in a script
            }
        }
    }

    private void play(int streamId, Iterator<Step> steps) {
        while (steps.hasNext()) {
            Step step = steps.next();
            if (step instanceof Pause pause) {
                vertx.setTimer(pause.millis(), t -> play(streamId, steps));
                return;
            }
            socket.writeBinaryMessage(Buffer.buffer(((Send) step).message().apply(streamId)));
        }
    }

    private static List<Header> headers(String... pairs) {
        List<Header> headers = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.add(new Header(pairs[i], pairs[i + 1]));
        }
        return headers;
    }

    private static String pathOf(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    static String encode(String userId) {
        return java.net.URLEncoder.encode(userId, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }
}
