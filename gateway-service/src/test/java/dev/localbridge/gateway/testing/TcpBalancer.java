package dev.localbridge.gateway.testing;

import java.util.List;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

/**
 * Stands in for the ingress in front of the gateway replicas: a TCP forwarder that sends each new connection to the
 * first backend that accepts it (so an agent lands on the first live replica, and on the next one when it dies).
 */
public final class TcpBalancer implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final NetClient client = vertx.createNetClient();
    private final List<Integer> backends;
    private final NetServer server;

    public TcpBalancer(List<Integer> backends) {
        this.backends = List.copyOf(backends);
        this.server = vertx.createNetServer().connectHandler(this::accept).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().join();
    }

    public int port() {
        return server.actualPort();
    }

    private void accept(NetSocket front) {
        front.pause();
        connect(front, 0);
    }

    private void connect(NetSocket front, int index) {
        if (index == backends.size()) {
            front.close();
            return;
        }
        client.connect(backends.get(index), "127.0.0.1").onComplete(ar -> {
            if (ar.failed()) {
                connect(front, index + 1);
                return;
            }
            NetSocket back = ar.result();
            front.pipeTo(back);
            back.pipeTo(front);
            front.resume();
        });
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
