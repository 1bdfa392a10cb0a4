package dev.localbridge.agent;

import dev.localbridge.protocol.Capabilities;
import dev.localbridge.protocol.Frame;
import dev.localbridge.protocol.FrameCodec;
import dev.localbridge.protocol.FrameLimits;
import dev.localbridge.protocol.ProtocolException;
import dev.localbridge.protocol.TunnelProtocol;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A minimal gateway for agent tests: accepts tunnels on /ws/tunnel, answers the agent's Hello (unless told not to) and
 * lets a test exchange frames.
 */
final class FakeGateway {

    private static final FrameCodec CODEC = new FrameCodec();

    final BlockingQueue<Tunnel> tunnels = new LinkedBlockingQueue<>();
    final BlockingQueue<String> authorizations = new LinkedBlockingQueue<>();
    /** The {@code Origin} header of each upgrade ("null" when there was none). */
    final BlockingQueue<String> origins = new LinkedBlockingQueue<>();
    volatile int rejectWith;
    /** When false, new tunnels do not answer the agent's Hello (the test sends whatever it likes instead). */
    volatile boolean answerHello = true;
    /** What new tunnels announce in the gateway's Hello. */
    volatile List<String> capabilities = List.of(Capabilities.ACCEPT, Capabilities.RENEW);
    private final HttpServer server;

    FakeGateway(Vertx vertx) throws Exception {
        server = vertx.createHttpServer(new HttpServerOptions()
                .setWebSocketSubProtocols(List.of(TunnelProtocol.SUBPROTOCOL_V2))
                // the gateway's own limits: a full body chunk plus its frame header is one message of this size
                .setMaxWebSocketFrameSize(FrameLimits.DEFAULT.maxMessageBytes())
                .setMaxWebSocketMessageSize(FrameLimits.DEFAULT.maxMessageBytes()));
        server.requestHandler(request -> {
            authorizations.add(String.valueOf(request.getHeader("Authorization")));
            origins.add(String.valueOf(request.getHeader("Origin")));
            if (!request.path().equals("/ws/tunnel")) {
                request.response().setStatusCode(404).end();
            } else if (rejectWith != 0) {
                request.response().setStatusCode(rejectWith).end();
            } else {
                request.toWebSocket().onSuccess(ws -> tunnels.add(new Tunnel(ws, answerHello ? capabilities : null)));
            }
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    Tunnel nextTunnel() throws InterruptedException {
        Tunnel t = tunnels.poll(10, TimeUnit.SECONDS);
        if (t == null) {
            throw new AssertionError("no tunnel opened within 10 s");
        }
        return t;
    }

    void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /**
     * The gateway side of one agent connection. Every frame the agent sent is in {@link #all}, in order; {@link #received}
     * holds those after its Hello, and {@link #hello} the Hello itself.
     */
    static final class Tunnel {
        final ServerWebSocket ws;
        final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
        final List<Frame> all = new CopyOnWriteArrayList<>();
        volatile Frame.Hello hello;
        volatile Short closeCode;
        volatile String closeReason;

        /** {@code capabilities}: the gateway's Hello to answer the agent's with, or {@code null} to answer nothing. */
        Tunnel(ServerWebSocket ws, List<String> capabilities) {
            this.ws = ws;
            ws.binaryMessageHandler(b -> {
                Frame frame;
                try {
                    frame = CODEC.decode(b.getBytes());
                } catch (ProtocolException e) {
                    throw new AssertionError(e);
                }
                all.add(frame);
                if (hello == null && frame instanceof Frame.Hello h) {
                    hello = h;
                    if (capabilities != null) {
                        send(new Frame.Hello(TunnelProtocol.VERSION, capabilities));
                    }
                } else {
                    received.add(frame);
                }
            });
            ws.closeHandler(v -> {
                closeCode = ws.closeStatusCode();
                closeReason = ws.closeReason();
            });
        }

        void send(Frame frame) {
            sendRaw(CODEC.encode(frame));
        }

        void sendRaw(byte[] bytes) {
            ws.writeBinaryMessage(Buffer.buffer(bytes));
        }

        /** The next frame that is not a ping, pong, window update or accept, unless {@code accept} wants those too. */
        <T extends Frame> T next(Class<T> type) throws InterruptedException {
            return next(type, f -> true);
        }

        <T extends Frame> T next(Class<T> type, Predicate<T> accept) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                Frame f = received.poll(100, TimeUnit.MILLISECONDS);
                if (f != null && type.isInstance(f) && accept.test(type.cast(f))) {
                    return type.cast(f);
                }
                if (f != null && !(f instanceof Frame.Ping) && !(f instanceof Frame.Pong)
                        && !(f instanceof Frame.WindowUpdate) && !(f instanceof Frame.Accept) && !type.isInstance(f)) {
                    throw new AssertionError("expected " + type.getSimpleName() + " but got " + f);
                }
            }
            throw new AssertionError("no " + type.getSimpleName() + " within 10 s");
        }
    }
}
