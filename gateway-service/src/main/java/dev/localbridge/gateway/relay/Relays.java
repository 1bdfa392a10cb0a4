package dev.localbridge.gateway.relay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.localbridge.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * What both ends of the relay between replicas share: the pooled HTTP client towards other replicas' relay ports, the
 * cluster credential, and which replicas recently failed to answer (skipped for a few seconds when another route
 * exists).
 *
 * <p>The relay is plain HTTP/1.1 with keep-alive, pod to pod: the request's head carries the route (connection id,
 * fencing epoch) in {@code X-LocalBridge-*} headers and the cluster credential as a bearer token; a request with a body
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
    private final byte[] secret;
    private final ConcurrentHashMap<String, Long> suspectUntil = new ConcurrentHashMap<>();
    private volatile HttpClient client;

    Relays(Vertx vertx, GatewayConfig config) {
        this.vertx = vertx;
        this.secret = config.clusterSecret().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    /** The client towards other replicas, created on first use. */
    public HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = vertx.createHttpClient(new HttpClientOptions()
                            .setKeepAlive(true)
                            .setTcpNoDelay(true)
                            .setConnectTimeout(1_000)
                            .setIdleTimeout(120), new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(4096));
                }
                c = client;
            }
        }
        return c;
    }

    /** The value of the {@code Authorization} header relay calls carry. */
    public String authorization() {
        return secret == null ? null : "Bearer " + new String(secret, StandardCharsets.UTF_8);
    }

    /** Whether {@code header} (an {@code Authorization} value) carries the cluster credential; constant time. */
    public boolean authorized(String header) {
        if (secret == null) {
            return true;
        }
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(secret, header.substring(7).getBytes(StandardCharsets.UTF_8));
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
