package dev.localbridge.health;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

/**
 * session-service configured but not listening: unhealthy, 503, quickly; the operator view says where and what
 * failed, the public answer only a fixed reason.
 */
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
                .body("reason", equalTo("SESSION_SERVICE_UNAVAILABLE"))
                .body("sessionService.configured", equalTo(true))
                .body("sessionService.reachable", equalTo(false))
                .body("alerts[0].name", equalTo("SessionServiceDown"));
    }

    @Test
    void anOperatorActionSaysThatSessionServiceDidNotAnswer() {
        given().post(Views.management("/q/users/someone/revoke")).then().statusCode(502).time(lessThan(3000L))
                .body("error.code", equalTo("SESSION_SERVICE_UNAVAILABLE"));
    }

    @Test
    void thePublicAnswerNamesNeitherSessionServiceNorItsError() {
        String url = ConfigProvider.getConfig().getValue("tunnel.session-url", String.class);
        JsonPath operator = Views.operatorView().then().statusCode(503).extract().jsonPath();
        assertThat(operator.getString("sessionService.url")).isEqualTo(url + "/");
        assertThat(operator.getString("sessionService.message")).contains("unreachable");
        assertThat(operator.getString("reason")).isEqualTo("SESSION_SERVICE_UNAVAILABLE");

        Views.assertPublicRevealsNoTopology(operator, url.substring("http://".length()), "api/stats");
    }
}
