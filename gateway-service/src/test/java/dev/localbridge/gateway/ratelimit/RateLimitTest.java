package dev.localbridge.gateway.ratelimit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.net.URI;
import java.util.Map;

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

/** {@code TUNNEL_RATE_LIMIT_MAX_REQUESTS} per {@code TUNNEL_RATE_LIMIT_WINDOW}, per user. */
@QuarkusTest
@TestProfile(RateLimitTest.ThreePerMinute.class)
@QuarkusTestResource(FakeOllamaResource.class)
class RateLimitTest {

    @TestHTTPResource("/")
    URI base;

    FakeOllama fake;

    @Test
    void fourthRequestInTheWindowIs429WithRetryAfterAndOtherUsersAreUnaffected() {
        try (Agents agents = new Agents(base)) {
            agents.connect("limited", fake.url());
            agents.connect("bystander", fake.url());
            String token = Tokens.forUser("limited");
            for (int i = 0; i < 3; i++) {
                given().auth().oauth2(token).get("/api/tunnel/limited/api/tags").then().statusCode(200);
            }
            given().auth().oauth2(token).get("/api/tunnel/limited/api/tags")
                    .then().statusCode(429)
                    .body("error.code", equalTo("RATE_LIMIT_EXCEEDED"))
                    .header("Retry-After", notNullValue())
                    .header("X-RateLimit-Limit", "3")
                    .header("X-RateLimit-Remaining", "0")
                    .header("X-RateLimit-Reset", notNullValue());
            given().auth().oauth2(Tokens.forUser("bystander")).get("/api/tunnel/bystander/api/tags")
                    .then().statusCode(200);
        }
    }

    /** Three requests per user per minute. */
    public static class ThreePerMinute implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tunnel.rate-limit.max-requests", "3", "tunnel.rate-limit.window", "60000");
        }
    }
}
