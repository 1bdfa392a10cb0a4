package dev.localbridge.gateway.hostile;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.localbridge.agent.AgentConfig;
import dev.localbridge.agent.TunnelAgent;
import dev.localbridge.gateway.testing.Tokens;
import io.vertx.core.Vertx;

/**
 * A well-behaved agent (the real tunnel-agent, embedded) forwarding to the fake Ollama: the victim whose answers the
 * hostile agent tries to reach, or an uploader. Waits until the caller side routes to it, with a bound generous
 * enough for a loaded machine.
 */
final class HonestAgent implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final TunnelAgent agent;

    private HonestAgent(URI agentGateway, String userId, String targetUrl) {
        String token = Tokens.forUser(userId);
        agent = new TunnelAgent(vertx, AgentConfig.of(agentGateway.resolve("/ws/tunnel").toString(), () -> token)
                .withTargetUrl(targetUrl)
                .withReconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(500)));
        agent.start().toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** Starts the agent at {@code agentGateway} and waits until {@code callerGateway} routes {@code userId} to it. */
    static HonestAgent start(URI agentGateway, URI callerGateway, String userId, String targetUrl) {
        HonestAgent honest = new HonestAgent(agentGateway, userId, targetUrl);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        HttpRequest ping = HttpRequest.newBuilder(callerGateway.resolve("/api/tunnel/" + HostileAgent.encode(userId)
                        + "/echo/ping")).header("Authorization", "Bearer " + Tokens.forUser(userId))
                .timeout(Duration.ofSeconds(5)).build();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .alias(userId + "'s agent is routable through " + callerGateway)
                .until(() -> http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        return honest;
    }

    @Override
    public void close() {
        agent.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
                .exceptionally(e -> null).join();
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
                .exceptionally(e -> null).join();
    }
}
