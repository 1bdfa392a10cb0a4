package dev.localbridge.health;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/** With the real session-service holding two gateways and three leases. */
@QuarkusTest
@TestProfile(ClusterHealthTest.WithSessionService.class)
class ClusterHealthTest {

    public static class WithSessionService implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(RealSessionService.class));
        }
    }

    @Test
    void reportsTheNodesAndConnectionsSessionServiceSees() {
        given().get("/api/tunnel/health").then().statusCode(200)
                .body("status", equalTo("healthy"))
                .body("checks.hasConnections", equalTo(true))
                .body("sessionService.configured", equalTo(true))
                .body("sessionService.reachable", equalTo(true))
                .body("nodes.nodeId", contains("gw-a", "gw-b"))
                .body("connections", equalTo(3));
    }
}
