package dev.localbridge.gateway.ownership;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.localbridge.gateway.testing.JavaProcess;
import dev.localbridge.protocol.cluster.ClusterSignature;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.specification.RequestSpecification;

/**
 * A real session-service (its packaged jar, {@code -Dsession.jar} or {@code ../session-service/target/quarkus-app})
 * as a separate process on free ports, against the shared Redis on 127.0.0.1:6379 under a key prefix of its own
 * (deleted afterwards), with short TTLs; points the gateway under test at it. Tests may stop and restart it.
 */
public class SessionServiceResource implements QuarkusTestResourceLifecycleManager {

    public static final String SECRET = "test-cluster-secret";
    private static final ClusterSignature SIGNER = new ClusterSignature(SECRET);
    /** The cluster-wide limits session-service enforces in these tests. */
    public static final int MAX_CONNECTIONS = 3;
    public static final int RATE_LIMIT = 40;

    private static int port;
    private static int managementPort;
    private static String prefix;
    private static JavaProcess process;

    @Override
    public Map<String, String> start() {
        port = JavaProcess.freePort();
        managementPort = JavaProcess.freePort();
        prefix = "lbtest-gw-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        startService();
        Map<String, String> config = new HashMap<>();
        config.put("tunnel.session-url", url());
        config.put("tunnel.cluster-secret", SECRET);
        config.put("tunnel.lease-renew-interval", "300");
        config.put("tunnel.session-timeout", "1000");
        config.put("tunnel.relay-port", Integer.toString(JavaProcess.freePort()));
        config.put("tunnel.relay-advertise-host", "127.0.0.1");
        config.put("tunnel.max-connections-per-user", Integer.toString(MAX_CONNECTIONS));
        config.put("tunnel.rate-limit.max-requests", Integer.toString(RATE_LIMIT));
        config.put("tunnel.rate-limit.window", "3600000");
        return config;
    }

    /** Starts the process (again, on the same ports and prefix) and waits until it listens. */
    public static synchronized void startService() {
        startService(Map.of());
    }

    /** Starts the process with extra environment (e.g. {@code TUNNEL_SESSION_STORE=memory}). */
    public static synchronized void startService(Map<String, String> extraEnv) {
        String jar = System.getProperty("session.jar", "../session-service/target/quarkus-app/quarkus-run.jar");
        if (!new File(jar).isFile()) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw -pl session-service package -DskipTests");
        }
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
        env.put("REDIS_URL", "redis://127.0.0.1:6379");
        env.put("TUNNEL_SESSION_STORE", "redis");
        env.put("TUNNEL_REDIS_KEY_PREFIX", prefix);
        env.put("TUNNEL_CLUSTER_SECRET", SECRET);
        env.put("TUNNEL_LEASE_TTL", "3000");
        env.put("TUNNEL_NODE_TTL", "3000");
        env.put("TUNNEL_SWEEP_INTERVAL", "200");
        env.put("TUNNEL_EVENTS_PING_INTERVAL", "2000");
        env.put("TUNNEL_MAX_CONNECTIONS_PER_USER", Integer.toString(MAX_CONNECTIONS));
        env.put("TUNNEL_RATE_LIMIT_MAX_REQUESTS", Integer.toString(RATE_LIMIT));
        env.put("TUNNEL_RATE_LIMIT_WINDOW", "3600000");
        env.putAll(extraEnv);
        process = JavaProcess.start("session-service", jar, env);
        process.awaitOutput("Listening on", Duration.ofSeconds(60));
    }

    /** Stops the process (SIGTERM). */
    public static synchronized void stopService() throws InterruptedException {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    public static String url() {
        return "http://127.0.0.1:" + port;
    }

    /** A request to session-service's API, signed with the cluster secret as a gateway signs it. */
    public static RequestSpecification api() {
        return RestAssured.given().baseUri(url()).port(port).filter(signing(SIGNER)).contentType("application/json");
    }

    /** A RestAssured filter that signs each request (method, path and query, body) just before it is sent. */
    public static Filter signing(ClusterSignature signer) {
        return (request, response, context) -> {
            URI uri = URI.create(request.getURI());
            String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            Object body = request.getBody();
            byte[] bytes = body == null ? new byte[0]
                    : body instanceof byte[] raw ? raw : body.toString().getBytes(StandardCharsets.UTF_8);
            request.header(ClusterSignature.HEADER,
                    signer.sign(ClusterSignature.Call.of(request.getMethod(), target).withBody(bytes)));
            return context.next(request, response);
        };
    }

    /** Deletes every key of this run, as a Redis that lost its data would have none. */
    public static void deleteKeys() throws IOException, InterruptedException {
        Process scan = new ProcessBuilder("redis-cli", "--scan", "--pattern", prefix + "*").start();
        List<String> keys = new String(scan.getInputStream().readAllBytes()).lines().filter(l -> !l.isBlank())
                .toList();
        scan.waitFor(10, TimeUnit.SECONDS);
        if (!keys.isEmpty()) {
            List<String> command = new java.util.ArrayList<>(List.of("redis-cli", "del"));
            command.addAll(keys);
            new ProcessBuilder(command).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void stop() {
        try {
            stopService();
            deleteKeys();
        } catch (IOException | InterruptedException e) {
            // best effort: keys of a test run expire or stay under a unique prefix
        }
    }
}
