package dev.localbridge.gateway.proxy;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * What both ends of the relay between replicas share: the pooled HTTP client towards other replicas' relay ports, the
 * names of the route headers, and which replicas recently failed to answer (skipped for a few seconds when another
 * route exists). The cluster credential is {@link dev.localbridge.gateway.cluster.ClusterCredential}'s.
 *
 * <p>The relay is plain HTTP/1.1 with keep-alive, pod to pod: the request's head carries the route (connection id,
 * fencing epoch) in {@code X-LocalBridge-*} headers, signed by the cluster credential; a request with a body
 * uses {@code Expect: 100-continue}, so the holder can answer 421 before a byte of body is consumed and the caller can
 * retry safely.
 */
@ApplicationScoped
public class Relays {

    /** Header: the tunnel connection the relayed request is for. */
    public static final String CONNECTION_HEADER = "X-LocalBridge-Connection";
    /** Header: the lease epoch the caller routed by. */
    public static final String EPOCH_HEADER = "X-LocalBridge-Epoch";
    /** Header: the user the request was authorized for. */
    public static final String USER_HEADER = "X-LocalBridge-User";

    private static final long SUSPECT_MILLIS = 5_000;

    private final Vertx vertx;
    private final ConcurrentHashMap<String, Long> suspectUntil = new ConcurrentHashMap<>();
    private volatile HttpClient client;

    Relays(Vertx vertx) {
        this.vertx = vertx;
    }

    /** The client towards other replicas, created on first use. */
    public HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    var tls = io.quarkus.arc.Arc.container()
                            .instance(dev.localbridge.gateway.cluster.ClusterTls.class).get();
                    client = vertx.createHttpClient(tls.relayClient(new HttpClientOptions()
                            .setKeepAlive(true)
                            .setTcpNoDelay(true)
                            .setConnectTimeout(1_000)
                            .setIdleTimeout(120)), new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(4096));
                }
                c = client;
            }
        }
        return c;
    }

    /** A replica did not answer: avoid it for a few seconds when there is another route. */
    public void markSuspect(String nodeId) {
        suspectUntil.put(nodeId, System.currentTimeMillis() + SUSPECT_MILLIS);
    }

    /** Whether a replica recently failed to answer. */
    public boolean suspect(String nodeId) {
        Long until = suspectUntil.get(nodeId);
        if (until == null) {
            return false;
        }
        if (until < System.currentTimeMillis()) {
            suspectUntil.remove(nodeId, until);
            return false;
        }
        return true;
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }
}
