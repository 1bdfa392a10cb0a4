package dev.localbridge.health;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real session-service (its packaged jar) as a separate process on free ports, against the Redis on
 * 127.0.0.1:6379 under a key prefix of its own, holding two registered gateways ({@code gw-a}, {@code gw-b}) and three
 * leases; points health-service at it.
 */
public class RealSessionService implements QuarkusTestResourceLifecycleManager {

    static final String SECRET = "health-test-secret";

    private Process process;
    private String prefix;

    @Override
    public Map<String, String> start() {
        String jar = System.getProperty("session.jar", "../session-service/target/quarkus-app/quarkus-run.jar");
        if (!new File(jar).isFile()) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw -pl session-service package -DskipTests");
        }
        int port = freePort();
        prefix = "lbtest-health-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-jar", jar)
                .redirectErrorStream(true);
        builder.environment().putAll(Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(freePort()),
                "REDIS_URL", "redis://127.0.0.1:6379",
                "TUNNEL_REDIS_KEY_PREFIX", prefix,
                "TUNNEL_CLUSTER_SECRET", SECRET,
                "TUNNEL_NODE_TTL", "60000",
                "TUNNEL_LEASE_TTL", "60000"));
        CountDownLatch listening = new CountDownLatch(1);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.contains("Listening on")) {
                        listening.countDown();
                    }
                }
            } catch (IOException e) {
                // the process went away
            }
        });
        pump.setDaemon(true);
        pump.start();
        try {
            if (!listening.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("session-service did not start within 60 s");
            }
            String url = "http://127.0.0.1:" + port;
            for (String node : List.of("gw-a", "gw-b")) {
                post(url + "/api/nodes", "{\"nodeId\":\"" + node + "\",\"relayAddress\":\"10.0.0.1:8082\"}");
            }
            for (int i = 0; i < 3; i++) {
                post(url + "/api/leases", "{\"userId\":\"user-" + i + "\",\"connectionId\":\"" + UUID.randomUUID()
                        + "\",\"nodeId\":\"" + (i == 0 ? "gw-a" : "gw-b") + "\"}");
            }
            return Map.of("tunnel.session-url", url, "tunnel.cluster-secret", SECRET);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void post(String url, String json) throws InterruptedException {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + SECRET).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor(15, TimeUnit.SECONDS);
                Process scan = new ProcessBuilder("redis-cli", "--scan", "--pattern", prefix + "*").start();
                List<String> keys = new String(scan.getInputStream().readAllBytes()).lines()
                        .filter(l -> !l.isBlank()).toList();
                if (!keys.isEmpty()) {
                    List<String> del = new java.util.ArrayList<>(List.of("redis-cli", "del"));
                    del.addAll(keys);
                    new ProcessBuilder(del).start().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (IOException | InterruptedException e) {
                // best effort: the keys are under a prefix of their own
            }
        }
    }
}
