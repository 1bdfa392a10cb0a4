package dev.localbridge.gateway.hostile;

import java.net.URI;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.localbridge.gateway.testing.FakeOllama;
import dev.localbridge.gateway.testing.FakeOllamaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@link HostileAgentContract} against one gateway: the hostile agent and the caller meet on the same replica. */
@QuarkusTest
@QuarkusTestResource(FakeOllamaResource.class)
class HostileAgentTest extends HostileAgentContract {

    private static final String VICTIM = "victim-local";

    @TestHTTPResource("/")
    URI base;

    FakeOllama fake;
    HonestAgent victimAgent;

    @BeforeAll
    void connectTheVictimsAgent() {
        victimAgent = HonestAgent.start(base, base, VICTIM, fake.url());
    }

    @AfterAll
    void closeTheVictimsAgent() {
        victimAgent.close();
    }

    @Override
    protected URI agentGateway() {
        return base;
    }

    @Override
    protected URI callerGateway() {
        return base;
    }

    @Override
    protected String victim() {
        return VICTIM;
    }
}
