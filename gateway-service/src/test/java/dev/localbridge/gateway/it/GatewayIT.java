package dev.localbridge.gateway.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.testing.Agents;
import dev.localbridge.gateway.testing.FakeOllama;
import dev.localbridge.gateway.testing.FakeOllamaResource;
import dev.localbridge.gateway.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The packaged gateway (the jar, or the native executable where one is built): health, refusals, a tunnel. */
@QuarkusIntegrationTest
@QuarkusTestResource(FakeOllamaResource.class)
@QuarkusTestResource(GatewayIT.TestKeys.class)
class GatewayIT {

    @TestHTTPResource("/")
    URI base;

    FakeOllama fake;

    @Test
    void answersHealthWithoutAToken() {
        given().get("/api/tunnel/health").then().statusCode(200).body("checks.hasConnections", equalTo(false));
    }

    @Test
    void refusesCallsWithoutAToken() {
        given().get("/api/tunnel/someone/api/tags").then().statusCode(401)
                .body("error.code", equalTo("AUTH_TOKEN_MISSING"));
    }

    @Test
    void carriesARequestThroughARealAgent() {
        try (Agents agents = new Agents(base)) {
            agents.connect("packaged-user", fake.url());
            given().auth().oauth2(Tokens.forUser("packaged-user")).get("/api/tunnel/packaged-user/api/tags")
                    .then().statusCode(200).body("models[0].name", equalTo("llama3:8b"));
        }
    }

    /** Points the packaged gateway at the test key pair's public half. */
    public static class TestKeys implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("mp.jwt.verify.publickey.location", System.getProperty("test.keys") + "/publicKey.pem",
                    "mp.jwt.verify.issuer", Tokens.ISSUER);
        }

        @Override
        public void stop() {
        }
    }
}
