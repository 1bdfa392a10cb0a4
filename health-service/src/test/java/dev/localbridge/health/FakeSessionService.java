package dev.localbridge.health;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Stands in for session-service (its real API is tested in its own module): two nodes, three leases, and it checks
 * the cluster secret.
 */
public class FakeSessionService implements QuarkusTestResourceLifecycleManager {

    static final String SECRET = "health-test-secret";

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        respond("/api/nodes", "[{\"nodeId\":\"gw-a\",\"relayAddress\":\"10.0.0.1:7000\",\"expiresAt\":1},"
                + "{\"nodeId\":\"gw-b\",\"relayAddress\":\"10.0.0.2:7000\",\"expiresAt\":1}]");
        respond("/api/stats", "{\"store\":\"redis\",\"liveNodes\":2,\"liveLeases\":3}");
        server.start();
        return Map.of("tunnel.session-url", "http://127.0.0.1:" + server.getAddress().getPort(),
                "tunnel.cluster-secret", SECRET);
    }

    private void respond(String path, String body) {
        server.createContext(path, exchange -> {
            boolean authorized = ("Bearer " + SECRET).equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] bytes = (authorized ? body : "{}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(authorized ? 200 : 401, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
