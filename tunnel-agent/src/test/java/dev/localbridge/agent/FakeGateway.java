package dev.localbridge.agent;

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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A minimal gateway for agent tests: accepts tunnels on /ws/tunnel and lets a test exchange frames. */
final class FakeGateway {

    private static final FrameCodec CODEC = new FrameCodec();

    final BlockingQueue<Tunnel> tunnels = new LinkedBlockingQueue<>();
    final BlockingQueue<String> authorizations = new LinkedBlockingQueue<>();
    volatile int rejectWith;
    private final HttpServer server;

    FakeGateway(Vertx vertx) throws Exception {
        server = vertx.createHttpServer(new HttpServerOptions()
                .setWebSocketSubProtocols(List.of(TunnelProtocol.SUBPROTOCOL_V1))
                // the gateway's own limits: a full body chunk plus its frame header is one message of this size
                .setMaxWebSocketFrameSize(FrameLimits.DEFAULT.maxMessageBytes())
                .setMaxWebSocketMessageSize(FrameLimits.DEFAULT.maxMessageBytes()));
        server.requestHandler(request -> {
            authorizations.add(String.valueOf(request.getHeader("Authorization")));
            if (!request.path().equals("/ws/tunnel")) {
                request.response().setStatusCode(404).end();
            } else if (rejectWith != 0) {
                request.response().setStatusCode(rejectWith).end();
            } else {
                request.toWebSocket().onSuccess(ws -> tunnels.add(new Tunnel(ws)));
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

    /** The gateway side of one agent connection. */
    static final class Tunnel {
        final ServerWebSocket ws;
        final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
        volatile Short closeCode;
        volatile String closeReason;

        Tunnel(ServerWebSocket ws) {
            this.ws = ws;
            ws.binaryMessageHandler(b -> {
                try {
                    received.add(CODEC.decode(b.getBytes()));
                } catch (ProtocolException e) {
                    throw new AssertionError(e);
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

        /** The next frame that is not a ping, pong or window update unless {@code accept} wants those too. */
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
                        && !(f instanceof Frame.WindowUpdate) && !type.isInstance(f)) {
                    throw new AssertionError("expected " + type.getSimpleName() + " but got " + f);
                }
            }
            throw new AssertionError("no " + type.getSimpleName() + " within 10 s");
        }
    }
}
