package dev.localbridge.gateway.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

/**
 * Stands in for a Kubernetes Service + ingress in front of gateway replicas: it polls each replica's readiness
 * ({@code /q/health/ready} on the management port) every 100 ms, like the endpoints controller, and spreads new TCP
 * connections round-robin over the ready ones. Callers ask {@link #pick()} for a ready replica per request.
 */
public final class Ingress implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final NetClient client = vertx.createNetClient();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(300)).build();
    private final List<LocalCluster.Gateway> backends = new CopyOnWriteArrayList<>();
    private final Set<LocalCluster.Gateway> ready = ConcurrentHashMap.newKeySet();
    private final AtomicInteger next = new AtomicInteger();
    private final NetServer server;
    private final long poller;

    public Ingress() {
        server = vertx.createNetServer().connectHandler(this::accept).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().join();
        poller = vertx.setPeriodic(100, t -> vertx.executeBlocking(() -> {
            poll();
            return null;
        }, false));
    }

    public int port() {
        return server.actualPort();
    }

    public void add(LocalCluster.Gateway gateway) {
        backends.add(gateway);
    }

    public void remove(LocalCluster.Gateway gateway) {
        backends.remove(gateway);
        ready.remove(gateway);
    }

    /** A ready replica, round-robin; {@code null} when none is ready. */
    public LocalCluster.Gateway pick() {
        List<LocalCluster.Gateway> candidates = backends.stream().filter(ready::contains).toList();
        if (candidates.isEmpty()) {
            return null;
        }
        return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
    }

    public boolean isReady(LocalCluster.Gateway gateway) {
        return ready.contains(gateway);
    }

    private void poll() {
        for (LocalCluster.Gateway gateway : backends) {
            boolean up;
            try {
                up = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.managementPort()
                        + "/q/health/ready")).timeout(Duration.ofMillis(500)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (Exception e) {
                up = false;
            }
            if (up) {
                ready.add(gateway);
            } else {
                ready.remove(gateway);
            }
        }
    }

    private void accept(NetSocket front) {
        front.pause();
        LocalCluster.Gateway target = pick();
        if (target == null) {
            front.close();
            return;
        }
        client.connect(target.port(), "127.0.0.1").onComplete(ar -> {
            if (ar.failed()) {
                front.close();
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
        vertx.cancelTimer(poller);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
