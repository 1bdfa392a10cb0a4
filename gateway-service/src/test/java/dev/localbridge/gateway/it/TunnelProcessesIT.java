package dev.localbridge.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.localbridge.gateway.testing.FakeOllama;
import dev.localbridge.gateway.testing.JavaProcess;
import dev.localbridge.gateway.testing.Tokens;

/**
 * The packaged gateway and agent jars as separate processes, the way a user runs them: a request through the tunnel,
 * a streamed chat, and the agent coming back on its own after the gateway is killed and restarted.
 */
class TunnelProcessesIT {

    private static final String USER = "auth0|processes";

    @TempDir
    Path dir;

    FakeOllama fake;
    JavaProcess gateway;
    JavaProcess agent;
    int port;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startUpstream() {
        fake = new FakeOllama().start();
        port = JavaProcess.freePort();
    }

    @AfterEach
    void stopAll() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        fake.stop();
    }

    @Test
    void agentJarTunnelsRequestsAndComesBackAfterTheGatewayIsKilled() throws Exception {
        gateway = startGateway();
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, Tokens.forUser(USER));
        agent = JavaProcess.start("agent", JavaProcess.requiredProperty("agent.jar"), Map.of(),
                "--gateway", "http://127.0.0.1:" + port, "--token-file", tokenFile.toString(),
                "--target", fake.url());
        agent.awaitOutput("tunnel up", Duration.ofSeconds(20));
        assertThat(String.join("\n", agent.output())).doesNotContain(Files.readString(tokenFile));

        awaitTags();
        assertChatStreams();

        gateway.kill();
        int linesBefore = agent.output().size();
        agent.awaitOutputAfter(linesBefore - 1, "tunnel down", Duration.ofSeconds(10));

        gateway = startGateway();
        agent.awaitOutputAfter(linesBefore, "tunnel up", Duration.ofSeconds(30));
        awaitTags();
    }

    private JavaProcess startGateway() {
        String publicKey = Path.of(JavaProcess.requiredProperty("test.keys")).resolve("publicKey.pem").toString();
        JavaProcess started = JavaProcess.start("gateway", JavaProcess.requiredProperty("gateway.jar"), Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(JavaProcess.freePort()),
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION", publicKey,
                "MP_JWT_VERIFY_ISSUER", Tokens.ISSUER,
                "TUNNEL_NODE_ID", "process-gateway"));
        started.awaitOutput("Listening on", Duration.ofSeconds(30));
        return started;
    }

    private void awaitTags() {
        await().atMost(Duration.ofSeconds(15)).until(() -> get("/api/tags") == 200);
    }

    private int get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + Tokens.forUser(USER))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private void assertChatStreams() throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri("/api/chat?lines=4&delayMs=300&tag=p"))
                .header("Authorization", "Bearer " + Tokens.forUser(USER))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"llama3:8b\"}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).contains("token0");
            assertThat(fake.lastLineWrittenNanos("p")).as("first line before the last was produced").isNull();
            long rest = reader.lines().count();
            assertThat(rest).isEqualTo(4);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + "/api/tunnel/auth0%7Cprocesses" + path);
    }
}
