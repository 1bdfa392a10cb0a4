package dev.localbridge.gateway.hostile;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.localbridge.gateway.testing.FakeOllama;
import dev.localbridge.gateway.testing.FakeOllamaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@link RequestBodyContract} against one gateway, with room for the 10 MiB bodies. */
@QuarkusTest
@TestProfile(RequestBodyTest.LargeBodies.class)
@QuarkusTestResource(FakeOllamaResource.class)
class RequestBodyTest extends RequestBodyContract {

    private static final String UPLOADER = "uploader-local";

    /** The test profile's 8 MiB limit, raised above the largest body of the contract. */
    public static class LargeBodies implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tunnel.max-request-body-bytes", Integer.toString(16 * 1024 * 1024));
        }
    }

    @TestHTTPResource("/")
    URI base;

    FakeOllama fake;
    HonestAgent agent;

    @BeforeAll
    void connectTheUploadersAgent() {
        agent = HonestAgent.start(base, base, UPLOADER, fake.url());
    }

    @AfterAll
    void closeTheUploadersAgent() {
        agent.close();
    }

    @Override
    protected URI callerGateway() {
        return base;
    }

    @Override
    protected String uploader() {
        return UPLOADER;
    }

    @Override
    protected long bytesArrivedSoFar(String tag) {
        return fake.digestBytesSoFar(tag);
    }
}
