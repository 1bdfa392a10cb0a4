package dev.localbridge.gateway.ownership;

import java.io.IOException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.localbridge.gateway.cluster.ClusterCredential;
import dev.localbridge.gateway.cluster.ClusterTls;
import dev.localbridge.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The gateway's one HTTP client for session-service ({@code TUNNEL_SESSION_URL}): non-blocking (core Vert.x
 * {@link HttpClient}), every call bounded by {@code TUNNEL_SESSION_TIMEOUT}, signed with the cluster secret
 * ({@link ClusterCredential#signSessionCall}: method, path and query, body, timestamp, nonce), and counted in {@code localbridge.session.calls} /
 * {@code localbridge.session.errors} (tag {@code operation}) so that "session-service calls per proxied request" is
 * measurable; lease and node calls are also counted in {@code localbridge.lease.operations} by result.
 *
 * <p>A call fails with {@link SessionUnavailable} when session-service is unreachable, times out or answers 5xx; any
 * other answer (including the expected refusals 404/409/429) is a {@link Reply} for the caller to read.
 */
@Singleton
public class SessionClient {

    /** An answer of session-service. */
    public record Reply(int status, Buffer body) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    private final Vertx vertx;
    private final HttpClient http;
    private final ObjectMapper json;
    private final MeterRegistry registry;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String basePath;
    private final ClusterCredential credential;
    private final long timeoutMillis;
    private final ConcurrentHashMap<String, Counter> calls = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> leaseOperations = new ConcurrentHashMap<>();

    /** Calls that always go out, even right after an outage: they are how this replica learns session-service is back. */
    static final Set<String> PROBES = Set.of("register", "heartbeat", "renew", "stats", "events", "deregister");
    private static final Set<String> LEASE_OPERATIONS =
            Set.of("register", "heartbeat", "deregister", "acquire", "renew", "release");
    /** System.nanoTime() of the last call session-service failed to answer; 0 once it answered again. */
    private volatile long outageSince;
    private volatile String outageReason = "";

    SessionClient(GatewayConfig config, ClusterCredential credential, ClusterTls tls, Vertx vertx, ObjectMapper json,
            MeterRegistry registry) {
        URI uri = URI.create(config.sessionUrl().orElseThrow(
                () -> new IllegalStateException("tunnel.session-url (TUNNEL_SESSION_URL) is not set")));
        this.ssl = "https".equalsIgnoreCase(uri.getScheme());
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.credential = credential;
        this.timeoutMillis = config.sessionTimeout();
        this.vertx = vertx;
        this.json = json;
        this.registry = registry;
        HttpClientOptions options = new HttpClientOptions()
                .setSsl(ssl)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .setKeepAlive(true)
                .setMaxPoolSize(16)
                .setName("session-service");
        this.http = vertx.createHttpClient(ssl ? tls.sessionClient(options) : options);
    }

    /** The base URL as configured, for log lines. */
    public String baseUrl() {
        return (ssl ? "https://" : "http://") + host + ":" + port + basePath;
    }

    /**
     * {@code method uri} with an optional JSON body; {@code op} names the call in the metrics.
     *
     * <p>When session-service has just failed to answer (a timeout or a connection that could not be made), calls on
     * a request's path fail at once, for {@code TUNNEL_SESSION_TIMEOUT}, instead of each waiting out the timeout
     * against a host that drops packets; the background calls ({@link #PROBES}) still go out, and any answer from
     * session-service ends that period.
     */
    public Future<Reply> call(String op, HttpMethod method, String uri, Object body) {
        count(calls, "localbridge.session.calls", op);
        Buffer payload;
        try {
            payload = body == null ? null : Buffer.buffer(json.writeValueAsBytes(body));
        } catch (IOException e) {
            return Future.failedFuture(e);
        }
        String down = recentOutage(op);
        if (down != null) {
            return counted(op, Future.failedFuture(new SessionUnavailable(op + ": not asked, session-service did not "
                    + "answer " + down)));
        }
        Promise<Reply> promise = Promise.promise();
        RequestOptions options = request(method, uri, payload).setIdleTimeout(timeoutMillis);
        if (payload != null) {
            options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        // The idle timeout bounds each silence; this bounds the whole call.
        // The outage is noted before the failure is delivered: its handlers may call again at once, synchronously.
        long timer = vertx.setTimer(timeoutMillis, t -> {
            if (!promise.future().isComplete()) {
                outage("within " + timeoutMillis + " ms");
                promise.tryFail(new SessionUnavailable(op + ": no answer within " + timeoutMillis + " ms"));
            }
        });
        http.request(options)
                .compose(req -> payload == null ? req.send() : req.send(payload))
                .compose(response -> response.body().map(buffer -> new Reply(response.statusCode(), buffer)))
                .onComplete(ar -> {
                    vertx.cancelTimer(timer);
                    if (ar.failed()) {
                        if (!promise.future().isComplete()) {
                            outage("(" + describe(ar.cause()) + ")");
                            promise.tryFail(new SessionUnavailable(op + ": " + describe(ar.cause())));
                        }
                        return;
                    }
                    outageSince = 0;
                    if (ar.result().status() >= 500) {
                        promise.tryFail(new SessionUnavailable(op + ": session-service answered "
                                + ar.result().status() + " " + errorCode(ar.result())));
                    } else {
                        promise.tryComplete(ar.result());
                    }
                });
        return counted(op, promise.future());
    }

    /** How long ago session-service last failed to answer, when that is within the fail-fast period; else null. */
    private String recentOutage(String op) {
        long since = outageSince;
        if (since == 0 || PROBES.contains(op)) {
            return null;
        }
        long agoMillis = (System.nanoTime() - since) / 1_000_000;
        return agoMillis < timeoutMillis ? outageReason + " " + agoMillis + " ms ago" : null;
    }

    private void outage(String reason) {
        outageReason = reason;
        long now = System.nanoTime();
        outageSince = now == 0 ? 1 : now;
    }

    private Future<Reply> counted(String op, Future<Reply> future) {
        return future.onComplete(ar -> {
            if (ar.failed() || !expected(ar.result().status())) {
                count(errors, "localbridge.session.errors", op);
            }
            if (LEASE_OPERATIONS.contains(op)) {
                String result = ar.failed() ? "error" : ar.result().ok() ? "ok" : "refused";
                leaseOperations.computeIfAbsent(op + "/" + result, k -> Counter.builder("localbridge.lease.operations")
                        .tag("operation", op).tag("result", result)
                        .description("Lease and node-registry calls to session-service by result (ok, refused, error)")
                        .register(registry)).increment();
            }
        });
    }

    /** The JSON body of a 2xx answer as {@code type}. */
    public <T> T decode(Reply reply, Class<T> type) {
        try {
            return json.readValue(reply.body().getBytes(), type);
        } catch (IOException e) {
            throw new SessionUnavailable("unreadable answer from session-service: " + e.getMessage());
        }
    }

    /** The {@code error.code} of an error envelope, or {@code ""}. */
    public String errorCode(Reply reply) {
        try {
            var node = json.readTree(reply.body().getBytes());
            return node == null ? "" : node.path("error").path("code").asText("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Opens a long-lived GET (the SSE change feed): no overall timeout, only the connect timeout. */
    Future<HttpClientResponse> stream(String op, String uri, long idleTimeoutMillis) {
        count(calls, "localbridge.session.calls", op);
        RequestOptions options = request(HttpMethod.GET, uri, null).setIdleTimeout(idleTimeoutMillis)
                .putHeader(HttpHeaders.ACCEPT, "text/event-stream");
        return http.request(options).compose(req -> req.send()).compose(response -> {
            outageSince = 0;
            if (response.statusCode() != 200) {
                response.request().reset();
                return Future.failedFuture(new SessionUnavailable(op + ": session-service answered "
                        + response.statusCode()));
            }
            return Future.succeededFuture(response);
        }).onFailure(e -> count(errors, "localbridge.session.errors", op));
    }

    /** Counts a failure of a call whose outcome is known only later (a feed that breaks). */
    void countError(String op) {
        count(errors, "localbridge.session.errors", op);
    }

    /**
     * A future that completes on the caller's Vert.x context. Shared calls (one lookup or token batch for many waiting
     * requests) complete on the context of whoever started them; each request's state is confined to its own.
     */
    public static <T> Future<T> onCallerContext(Future<T> future) {
        Context caller = Vertx.currentContext();
        if (caller == null || future.isComplete()) {
            return future;
        }
        Promise<T> promise = Promise.promise();
        future.onComplete(ar -> {
            if (Vertx.currentContext() == caller) {
                promise.handle(ar);
            } else {
                caller.runOnContext(v -> promise.handle(ar));
            }
        });
        return promise.future();
    }

    @PreDestroy
    void close() {
        http.close();
    }

    /** A request signed for exactly {@code method}, the full path and query, and {@code body} (null: none). */
    private RequestOptions request(HttpMethod method, String uri, Buffer body) {
        String target = basePath + uri;
        RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setSsl(ssl)
                .setURI(target).setConnectTimeout(timeoutMillis);
        credential.signSessionCall(method.name(), target, body == null ? null : body.getBytes())
                .ifPresent(signature -> options.putHeader(ClusterCredential.HEADER, signature));
        return options;
    }

    private static boolean expected(int status) {
        return status / 100 == 2 || status == 404 || status == 409 || status == 429;
    }

    private void count(ConcurrentHashMap<String, Counter> counters, String name, String op) {
        counters.computeIfAbsent(op, o -> Counter.builder(name).tag("operation", o)
                .description(name.endsWith("calls") ? "Calls to session-service" : "Failed calls to session-service")
                .register(registry)).increment();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
