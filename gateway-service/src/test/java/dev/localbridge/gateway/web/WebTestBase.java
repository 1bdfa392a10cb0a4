package dev.localbridge.gateway.web;

import static io.restassured.RestAssured.given;

import java.net.URI;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import dev.localbridge.gateway.testing.Agents;
import dev.localbridge.gateway.testing.FakeOllama;
import dev.localbridge.gateway.testing.FakeOllamaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * The fake Ollama and one real agent for {@link #user()}, started once per class. Unlike {@code TunnelTestBase} it
 * makes one request before the agent connects: the first RestAssured call of a JVM loads Groovy, which on a loaded
 * machine took longer than the ten seconds {@link Agents#awaitConnections} allows for the tunnel to appear.
 */
@QuarkusTestResource(FakeOllamaResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WebTestBase {

    @TestHTTPResource("/")
    URI base;

    FakeOllama fake;
    Agents agents;

    abstract String user();

    @BeforeAll
    void connectAgent() {
        given().baseUri("http://" + base.getHost()).port(base.getPort()).get("/api/tunnel/health");
        agents = new Agents(base);
        agents.connect(user(), fake.url());
    }

    @AfterAll
    void closeAgent() {
        if (agents != null) {
            agents.close();
        }
    }
}
