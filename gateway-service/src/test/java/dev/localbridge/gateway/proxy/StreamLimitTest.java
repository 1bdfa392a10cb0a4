package dev.localbridge.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.testing.Agents;
import dev.localbridge.gateway.testing.FakeOllama;
import dev.localbridge.gateway.testing.FakeOllamaResource;
import dev.localbridge.gateway.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@code TUNNEL_MAX_STREAMS_PER_TUNNEL}: a tunnel carries at most that many requests at once. */
@QuarkusTest
@TestProfile(StreamLimitTest.TwoStreams.class)
@QuarkusTestResource(FakeOllamaResource.class)
class StreamLimitTest {

    @TestHTTPResource("/")
    URI base;

    FakeOllama fake;

    @Test
    void aRequestBeyondTheStreamLimitIs503TunnelBusyAndTheOthersAreUnaffected() {
        try (Agents agents = new Agents(base)) {
            agents.connect("busy-user", fake.url());
            String token = Tokens.forUser("busy-user");
            HttpClient http = HttpClient.newHttpClient();
            int before = fake.started();
            List<CompletableFuture<HttpResponse<String>>> held = List.of(
                    http.sendAsync(slow(token), HttpResponse.BodyHandlers.ofString()),
                    http.sendAsync(slow(token), HttpResponse.BodyHandlers.ofString()));
            await().atMost(Duration.ofSeconds(5)).until(() -> fake.started() >= before + 2);

            given().auth().oauth2(token).get("/api/tunnel/busy-user/api/tags")
                    .then().statusCode(503)
                    .header("Retry-After", "1")
                    .body("error.code", equalTo("TUNNEL_BUSY"));

            held.forEach(f -> org.assertj.core.api.Assertions.assertThat(f.join().statusCode()).isEqualTo(200));
            given().auth().oauth2(token).get("/api/tunnel/busy-user/api/tags").then().statusCode(200);
        }
    }

    private HttpRequest slow(String token) {
        return HttpRequest.newBuilder(base.resolve("/api/tunnel/busy-user/slow?delayMs=800"))
                .header("Authorization", "Bearer " + token).build();
    }

    /** Two streams per tunnel. */
    public static class TwoStreams implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tunnel.max-streams-per-tunnel", "2");
        }
    }
}
