package dev.localbridge.gateway.testing;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.localbridge.agent.AgentConfig;
import dev.localbridge.agent.TunnelAgent;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;

/** Starts real tunnel agents (the tunnel-agent module, embedded) against the gateway under test. */
public final class Agents implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final URI gateway;
    private final List<TunnelAgent> started = new ArrayList<>();
    private final java.util.Map<String, TunnelAgent> byUser = new java.util.concurrent.ConcurrentHashMap<>();

    public Agents(URI gatewayBase) {
        this.gateway = gatewayBase;
    }

    /** Connects an agent for {@code userId} forwarding to {@code targetUrl}, and waits until the gateway routes to it. */
    public TunnelAgent connect(String userId, String targetUrl) {
        String token = Tokens.forUser(userId);
        TunnelAgent agent = new TunnelAgent(vertx, AgentConfig.of(gateway.resolve("/ws/tunnel").toString(), () -> token)
                .withTargetUrl(targetUrl)
                .withReconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(500)));
        started.add(agent);
        byUser.put(userId, agent);
        agent.start().toCompletionStage().toCompletableFuture().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                .join();
        awaitConnections(userId, 1);
        return agent;
    }

    /** Waits until the gateway reports at least {@code n} tunnel connections for {@code userId}. */
    public void awaitConnections(String userId, int n) {
        String token = Tokens.forUser(userId);
        await().atMost(Duration.ofSeconds(30)).until(() -> RestAssured.given().baseUri(gateway.toString())
                .port(gateway.getPort()).auth().oauth2(token)
                .get("/api/tunnel/status").then().extract().jsonPath().getList("connections").size() >= n);
    }

    /** The agent last connected for {@code userId}. */
    public TunnelAgent agent(String userId) {
        return byUser.get(userId);
    }

    public Vertx vertx() {
        return vertx;
    }

    @Override
    public void close() {
        for (TunnelAgent agent : started) {
            agent.close().toCompletionStage().toCompletableFuture().join();
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
