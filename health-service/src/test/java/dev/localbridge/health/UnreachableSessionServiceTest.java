package dev.localbridge.health;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

/** session-service configured but not listening: unhealthy, 503, quickly. */
@QuarkusTest
@TestProfile(UnreachableSessionServiceTest.NothingListening.class)
class UnreachableSessionServiceTest {

    public static class NothingListening implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("tunnel.session-url", "http://127.0.0.1:" + port, "tunnel.probe.timeout", "1000",
                    "tunnel.cluster-secret", "unreachable-test-secret");
        }
    }

    @Test
    void answers503UnhealthyWhenSessionServiceIsUnreachable() {
        given().get("/api/tunnel/health").then().statusCode(503).time(lessThan(3000L))
                .body("status", equalTo("unhealthy"))
                .body("sessionService.configured", equalTo(true))
                .body("sessionService.reachable", equalTo(false))
                .body("sessionService.message", containsString("unreachable"));
    }
}
