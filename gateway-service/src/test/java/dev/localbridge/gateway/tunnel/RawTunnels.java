package dev.localbridge.gateway.tunnel;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.localbridge.protocol.Frame;
import dev.localbridge.protocol.FrameCodec;
import dev.localbridge.protocol.ProtocolException;
import dev.localbridge.protocol.TunnelProtocol;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

/** A bare WebSocket client for handshake and misbehaviour tests, where the real agent would be too polite. */
final class RawTunnels implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final WebSocketClient client = vertx.createWebSocketClient();
    private final URI base;

    RawTunnels(URI base) {
        this.base = base;
    }

    /** Options for {@code /ws/tunnel} with the tunnel protocol's subprotocol and nothing else. */
    WebSocketConnectOptions options(String pathAndQuery) {
        return new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort()).setURI(pathAndQuery)
                .setSubProtocols(List.of(TunnelProtocol.SUBPROTOCOL_V2));
    }

    /**
     * Connects and says hello as an agent would, announcing {@code capabilities}; completes once the gateway's Hello
     * is back, so the connection is routable. Frames after the gateway's Hello go to whatever handler the caller
     * installs then (the gateway sends nothing else until it opens a stream or pings).
     */
    CompletableFuture<WebSocket> connectAndHello(WebSocketConnectOptions options, String... capabilities) {
        FrameCodec codec = new FrameCodec();
        return connect(options).thenCompose(ws -> {
            CompletableFuture<WebSocket> helloed = new CompletableFuture<>();
            ws.binaryMessageHandler(message -> {
                try {
                    Frame first = codec.decode(message.getBytes());
                    if (first instanceof Frame.Hello hello && hello.version() == TunnelProtocol.VERSION) {
                        ws.binaryMessageHandler(null);
                        helloed.complete(ws);
                    } else {
                        helloed.completeExceptionally(new AssertionError("the gateway's first frame: " + first));
                    }
                } catch (ProtocolException e) {
                    helloed.completeExceptionally(e);
                }
            });
            ws.closeHandler(v -> helloed.completeExceptionally(
                    new AssertionError("closed before the gateway's hello: " + ws.closeStatusCode())));
            ws.writeBinaryMessage(Buffer.buffer(codec.encode(new Frame.Hello(TunnelProtocol.VERSION,
                    List.of(capabilities)))));
            return helloed.orTimeout(10, TimeUnit.SECONDS);
        });
    }

    /** Connects, or completes exceptionally with {@link UpgradeRejectedException} carrying the HTTP status. */
    CompletableFuture<WebSocket> connect(WebSocketConnectOptions options) {
        return client.connect(options).toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS);
    }

    /** The HTTP status that refused the upgrade, or 101 when it was accepted. */
    int upgradeStatus(WebSocketConnectOptions options) {
        try {
            WebSocket ws = connect(options).join();
            ws.close();
            return 101;
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof UpgradeRejectedException rejected) {
                return rejected.getStatus();
            }
            throw e;
        }
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
